"""Celery entry points of logistics (tenant-aware: the schema travels in the task headers).
Outside calls (carrier, postal provider) run here, never inside a transaction: a provider that
does not answer is retried with exponential backoff and jitter, behind a breaker shared through
Redis; the sweeps ask again for what a task gave up on."""
from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from contexts.logistics.gateways.carriers import CarrierUnavailable
from crm.jobs import tenant_job

RETRY = {"autoretry_for": (CarrierUnavailable,), "retry_backoff": 2, "retry_jitter": True,
         "retry_backoff_max": settings.LOGISTICS_TASK_BACKOFF_MAX_SECONDS,
         "max_retries": settings.LOGISTICS_TASK_MAX_RETRIES, "acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="logistics.create_label", **RETRY)
def create_label(*, shipment_id: str) -> str:
    from contexts.logistics.services import labels

    return labels.fetch_label(shipment_id=shipment_id)


@shared_task(name="logistics.poll_shipment", **RETRY)
def poll_shipment(*, shipment_id: str) -> int:
    from contexts.logistics.services import labels

    return labels.poll(shipment_id=shipment_id)


@tenant_job(schedule=crontab(minute="*/20"))
@shared_task(name="logistics.poll_tracking")
def poll_tracking() -> int:
    """Per tenant: one polling task per shipment on its way; labels still requested are asked again."""
    from contexts.logistics.services import labels

    ids = labels.to_poll()
    for shipment_id in ids:
        poll_shipment.delay(shipment_id=shipment_id)
    for shipment_id in labels.stuck_labels():
        create_label.delay(shipment_id=shipment_id)
    return len(ids)


@shared_task(name="logistics.submit_dispatch", **RETRY)
def submit_dispatch(*, dispatch_id: str) -> str:
    from contexts.logistics.services import dispatches

    return dispatches.submit(dispatch_id=dispatch_id)


@shared_task(name="logistics.poll_dispatch", **RETRY)
def poll_dispatch(*, dispatch_id: str) -> str:
    from contexts.logistics.services import dispatches

    return dispatches.poll(dispatch_id=dispatch_id)


@tenant_job(schedule=crontab(minute=15, hour="*/2"))
@shared_task(name="logistics.poll_dispatches")
def poll_dispatches() -> int:
    """Per tenant: letters not yet delivered or returned are polled; unsent ones submitted again."""
    from contexts.logistics.services import dispatches

    pending, open_ = dispatches.to_submit(), dispatches.to_poll()
    for dispatch_id in pending:
        submit_dispatch.delay(dispatch_id=dispatch_id)
    for dispatch_id in open_:
        poll_dispatch.delay(dispatch_id=dispatch_id)
    return len(pending) + len(open_)


@tenant_job(schedule=crontab(hour=6, minute=10))
@shared_task(name="logistics.cancel_uncollected")
def cancel_uncollected(*, today: str | None = None) -> int:
    """Click and collect: orders ready for COLLECTION_KEEP_DAYS and not collected are cancelled,
    their stock released. `today` (ISO date) for a replay or a test; beat leaves it out."""
    import datetime

    from django.utils import timezone

    from contexts.logistics.services import collections
    from crm.audit import Actor, acting_as

    with acting_as(Actor("system", "", "beat: uncollected orders")):
        return collections.cancel_uncollected(today=datetime.date.fromisoformat(today) if today else timezone.localdate())
