"""Celery entry points of outgoing webhooks (the schema travels in the task headers)."""
from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from crm.jobs import tenant_job


@shared_task(name="engagement.deliver_webhook", acks_late=True, reject_on_worker_lost=True)
def deliver_webhook(*, delivery_id: str, manual: bool = False) -> str:
    """One attempt. A short wait before the next is queued here (countdown); a long one is left
    to the sweep (a task kept for hours in the broker would outlive its visibility timeout)."""
    from contexts.engagement.webhooks import services

    outcome = services.deliver(delivery_id=delivery_id, manual=manual)
    countdown = outcome.get("countdown")
    if countdown is not None and countdown <= settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS:
        deliver_webhook.apply_async(kwargs={"delivery_id": delivery_id}, countdown=countdown)
    return outcome["result"]


@tenant_job(schedule=crontab(minute="*"))
@shared_task(name="engagement.sweep_webhooks")
def sweep_webhooks() -> int:
    from contexts.engagement.webhooks import services

    return services.sweep()
