"""Thin Celery tasks of the complaint channel: take ids, call a service, idempotent."""

from celery import shared_task

from complaints import notices
from complaints.retention import complaint_retention_sweep
from complaints.services.clocks import complaint_acknowledge, complaint_clocks_run


@shared_task(name="complaints.complaint_acknowledge_task")
def complaint_acknowledge_task(complaint_id: int) -> bool:
    from complaints.models import Complaint

    if not Complaint.objects.filter(id=complaint_id).exists():
        return False  # destroyed meanwhile: nothing to acknowledge
    return complaint_acknowledge(complaint_id=complaint_id)


@shared_task(name="complaints.complaint_outcome_notify_task")
def complaint_outcome_notify_task(complaint_id: int) -> int:
    return notices.outcome_notify(complaint_id=complaint_id)


@shared_task(name="complaints.case_message_notify_task")
def case_message_notify_task(message_id: int) -> int:
    return notices.message_notify(message_id=message_id)


@shared_task(name="complaints.complaint_forward_notify_task")
def complaint_forward_notify_task(complaint_id: int) -> int:
    return notices.forward_notify(complaint_id=complaint_id)


@shared_task(name="complaints.complaint_clocks_sweep_task")
def complaint_clocks_sweep_task() -> dict[str, int]:
    return complaint_clocks_run().counts


@shared_task(name="complaints.complaint_retention_sweep_task")
def complaint_retention_sweep_task() -> int:
    return complaint_retention_sweep()
