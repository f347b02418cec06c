"""Kernel Celery tasks. The tenant's schema travels in the task headers."""
from celery import shared_task
from celery.schedules import crontab

from crm import eventbus
from crm.jobs import tenant_job


# Acknowledged after it ran, and given back to the queue if the worker dies meanwhile: the
# handler is idempotent (crm_handledevent), so a second delivery has no second effect.
@shared_task(bind=True, name="crm.run_subscriber", acks_late=True, reject_on_worker_lost=True, max_retries=None)
def run_subscriber(self, *, event_id: str, subscriber: str) -> str:
    sub = eventbus.get_subscriber(subscriber)
    if sub is None:
        eventbus.dead_letter(event_id=event_id, subscriber_name=subscriber, error="unknown subscriber", attempts=1)
        return "unknown"
    try:
        return eventbus.handle(event_id=event_id, subscriber_name=subscriber)
    except Exception as exc:
        attempts = self.request.retries + 1
        if self.request.retries >= sub.max_retries:
            eventbus.dead_letter(event_id=event_id, subscriber_name=subscriber,
                                 error=f"{exc.__class__.__name__}: {exc}", attempts=attempts)
            return "dead-lettered"
        raise self.retry(exc=exc, countdown=sub.countdown(self.request.retries))


@tenant_job(schedule=crontab(minute="*"))
@shared_task(name="crm.resend_unsent_events")
def resend_unsent_events() -> int:
    return eventbus.resend_unsent()


@tenant_job(schedule=crontab(hour=3, minute=40))
@shared_task(name="crm.prune_event_log")
def prune_event_log(*, now: str | None = None) -> dict:
    """`now` (ISO date-time) for a replay or a test; beat leaves it out."""
    import datetime

    from django.utils import timezone

    return eventbus.prune(now=datetime.datetime.fromisoformat(now) if now else timezone.now())
