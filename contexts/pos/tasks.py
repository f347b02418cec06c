"""Celery entry points of pos (tenant-aware: beat sends one per tenant, in its schema)."""
from __future__ import annotations

import datetime

from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


@tenant_job(schedule=crontab(minute=5, hour=0))
@shared_task(name="pos.close_overdue_periods")
def close_overdue_periods(*, today: str | None = None) -> dict:
    """Just after midnight: Z of the sessions left open, then each shop's day (and month, year)
    closings that are over and not closed. `today` (ISO date) defaults to the local date."""
    from django.utils import timezone

    from contexts.pos.services import closings

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return closings.close_overdue(today=day)
