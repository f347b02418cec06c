"""Engagement's periodic jobs (run by beat once per tenant). Each takes `today` (ISO date) for
a replay or a test; beat leaves it out."""
from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


def _today(today: str | None):
    import datetime

    from django.utils import timezone

    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@tenant_job(schedule=crontab(hour=7, minute=0))
@shared_task(name="engagement.remind_tasks_due")
def remind_tasks_due(*, today: str | None = None) -> int:
    from contexts.engagement.services import activities

    return activities.remind_due(today=_today(today))


@tenant_job(schedule=crontab(hour=2, minute=30))
@shared_task(name="engagement.recompute_health_scores")
def recompute_health_scores(*, today: str | None = None) -> int:
    from contexts.engagement.services import health

    return health.recompute_all(today=_today(today))
