from celery import shared_task
from celery.schedules import crontab

from crm.jobs import platform_job


@platform_job(schedule=crontab(hour=6, minute=0))
@shared_task(name="billing.charge_due_subscriptions")
def charge_due_subscriptions() -> int:
    from django.utils import timezone

    from contexts.finance.billing import services

    return services.charge_due(today=timezone.localdate())
