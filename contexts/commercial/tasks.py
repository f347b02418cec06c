from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


@tenant_job(schedule=crontab(minute="*/15"))
@shared_task(name="commercial.abandon_idle_carts")
def abandon_idle_carts() -> int:
    from contexts.commercial.services import carts

    return carts.abandon_idle()


@tenant_job(schedule=crontab(day_of_month=1, hour=5, minute=0))
@shared_task(name="commercial.monthly_commission_statements")
def monthly_commission_statements() -> int:
    import datetime

    from django.utils import timezone

    from contexts.commercial.services import commissions

    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    return commissions.monthly_statements(period=last_month)


@tenant_job(schedule=crontab(hour=4, minute=30))
@shared_task(name="commercial.contracts_daily")
def contracts_daily() -> int:
    from django.utils import timezone

    from contexts.commercial.services import contracts

    today = timezone.localdate()
    contracts.renew_due(today=today)
    return contracts.bill_period(today=today)
