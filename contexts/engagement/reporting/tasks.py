"""Celery entry points of reporting (the schema travels in the task headers)."""
from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


@shared_task(name="engagement.build_report", acks_late=True, reject_on_worker_lost=True)
def build_report(*, job_id: str) -> str:
    from contexts.engagement.reporting import reports

    return reports.report_build(job_id=job_id).status


def _today(today: str | None):
    import datetime

    from django.utils import timezone

    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@tenant_job(schedule=crontab(hour=7, minute=0))
@shared_task(name="engagement.send_weekly_sales_report")
def send_weekly_sales_report(*, today: str | None = None) -> int:
    """Daily at 7:00; sends on the weekday chosen in the admin. `today` (ISO) for a replay or a test."""
    from contexts.engagement.reporting import reports

    return reports.weekly_sales_send(today=_today(today))


@tenant_job(schedule=crontab(hour=7, minute=5))
@shared_task(name="engagement.send_monthly_receivables_report")
def send_monthly_receivables_report(*, today: str | None = None) -> int:
    from contexts.engagement.reporting import reports

    return reports.monthly_receivables_send(today=_today(today))
