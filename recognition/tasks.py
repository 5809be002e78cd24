"""Thin Celery tasks of recognition: take ids, call a service, idempotent."""

from celery import shared_task


@shared_task(name="recognition.evaluation_run_task")
def evaluation_run_task(evaluation_id: int) -> str:
    """Run one evaluation; a finished one is left as it is, a lost one starts again."""
    from recognition.models import Evaluation
    from recognition.services.evaluations import evaluation_run

    if not Evaluation.objects.filter(pk=evaluation_id).exists():
        return "missing"
    return evaluation_run(evaluation_id=evaluation_id).status


@shared_task(name="recognition.device_orders_sweep_task")
def device_orders_sweep_task() -> dict[str, int]:
    """Deletion orders for people past their retention on devices, overdue flags, old nonces."""
    from dataclasses import asdict

    from recognition.services.devices import device_orders_sweep

    return asdict(device_orders_sweep())
