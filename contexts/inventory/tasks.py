from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


@tenant_job(schedule=crontab(minute="*"))
@shared_task(name="inventory.release_expired_reservations")
def release_expired_reservations() -> int:
    from django.utils import timezone

    from contexts.inventory.services import reservations

    return reservations.release_expired(now=timezone.now())
