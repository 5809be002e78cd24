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


@shared_task(name="recognition.gallery_shard_search", acks_late=True,
             reject_on_worker_lost=True)
def gallery_shard_search(*, deployment_id: int, part: int, parts: int, probe: list[float],
                         top_k: int, threshold: float, version: int,
                         transform_version: int) -> dict:
    """Search one part of a deployment's gallery held by this shard worker (read-only, so a
    message delivered twice does no harm)."""
    import numpy as np

    from recognition.shards import holder

    found, served = holder().search(
        deployment_id=deployment_id, part=part, parts=parts,
        probe=np.asarray(probe, dtype=np.float32), top_k=top_k, threshold=threshold,
        version=version, transform_version=transform_version)
    return {"found": found, "version": served}


def _forget_holdings(**_: object) -> None:
    """A shard worker that stops leaves the shard map (a killed one stays until it is seen
    loading again elsewhere: its rows say when it loaded)."""
    from recognition.shards import _holder, holdings_forget

    if _holder is not None:
        holdings_forget()


def _connect_signals() -> None:
    from celery.signals import worker_shutting_down

    worker_shutting_down.connect(_forget_holdings, weak=False)


_connect_signals()


@shared_task(name="recognition.device_orders_sweep_task")
def device_orders_sweep_task() -> dict[str, int]:
    """Deletion orders for people past their retention on devices, overdue flags, old nonces."""
    from dataclasses import asdict

    from recognition.services.devices import device_orders_sweep

    return asdict(device_orders_sweep())
