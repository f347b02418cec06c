from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


@tenant_job(schedule=crontab(minute="*/15"))
@shared_task(name="commercial.abandon_idle_carts")
def abandon_idle_carts() -> int:
    from contexts.commercial.services import carts

    return carts.abandon_idle()
