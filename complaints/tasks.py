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


@shared_task(name="complaints.investigation_notify_respondent_task")
def investigation_notify_respondent_task(investigation_id: int) -> int:
    return notices.investigation_respondent_notify(investigation_id=investigation_id)


@shared_task(name="complaints.enforcement_overdue_sweep_task")
def enforcement_overdue_sweep_task() -> dict[str, int]:
    from complaints.services.enforcement import enforcement_flag_overdue

    return enforcement_flag_overdue()


@shared_task(name="complaints.breach_notify_subjects_task")
def breach_notify_subjects_task(breach_id: int) -> int:
    from complaints.services.breaches import breach_notify_subjects

    return breach_notify_subjects(breach_id=breach_id)


@shared_task(name="complaints.evidence_package_build_task")
def evidence_package_build_task(package_id: int) -> str:
    from complaints.services.packages import evidence_package_build

    return evidence_package_build(package_id=package_id)


@shared_task(name="complaints.leak_case_analyse_task")
def leak_case_analyse_task(leak_case_id: int) -> str:
    from complaints.services.leaks import leak_case_analyse

    return leak_case_analyse(case_id=leak_case_id)
