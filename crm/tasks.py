"""Kernel Celery tasks. The tenant's schema travels in the task headers."""
from celery import shared_task
from celery.schedules import crontab

from crm import eventbus
from crm.jobs import tenant_job


@shared_task(bind=True, name="crm.run_subscriber", acks_late=True, max_retries=None)
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
