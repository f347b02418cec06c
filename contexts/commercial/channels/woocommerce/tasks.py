"""Celery entry points of the WooCommerce sync (tenant-aware: the schema travels in the task
headers; contexts/commercial/tasks.py imports this module so the worker and beat find them)."""
from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from crm.jobs import tenant_job


@shared_task(name="commercial.woocommerce_sync", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=settings.WOOCOMMERCE_TASK_MAX_RETRIES)
def sync_run(self, *, run_id: str) -> str:
    """Runs a queued sync. A shop that does not answer is tried again with exponential backoff
    (2, 4, 8 ... s, capped); after the last try the run is marked failed with the reason."""
    from contexts.commercial.channels.woocommerce import gateway, sync
    from crm.audit import Actor, acting_as

    final = self.request.retries >= self.max_retries
    try:
        with acting_as(Actor("system", "", "WooCommerce sync")):
            run = sync.execute(run_id=run_id, final_attempt=final)
    except gateway.WooUnavailable as exc:
        countdown = min(2 ** (self.request.retries + 1), settings.WOOCOMMERCE_TASK_BACKOFF_MAX_SECONDS)
        raise self.retry(exc=exc, countdown=countdown)
    return run.status if run else "missing"


@tenant_job(schedule=crontab(minute="*/30"))
@shared_task(name="commercial.woocommerce_scheduled_sync")
def scheduled_sync() -> str | None:
    """Per tenant, every 30 minutes: an incremental run when a shop is connected and scheduled."""
    from contexts.commercial.channels.woocommerce import sync

    return sync.scheduled_run()
