from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


@tenant_job(schedule=crontab(minute="*/15"))
@shared_task(name="commercial.abandon_idle_carts")
def abandon_idle_carts() -> int:
    from django.utils import timezone

    from contexts.commercial.services import carts

    return carts.abandon_idle(now=timezone.now())


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


@tenant_job(schedule=crontab(minute="*/5"))
@shared_task(name="commercial.reconcile_placed_orders")
def reconcile_placed_orders(*, now: str | None = None) -> dict:
    """Placed orders brought in line with the card processor: paid exactly once when their
    charge succeeded, cancelled and released when it never came (PAYMENT_ACTION_TIMEOUT_SECONDS).
    `now` (ISO date-time) for a replay or a test; beat leaves it out."""
    import datetime

    from django.utils import timezone

    from contexts.commercial.services import checkout
    from crm.audit import Actor, acting_as

    with acting_as(Actor("system", "", "beat: reconcile placed orders")):
        return checkout.reconcile_placed(now=datetime.datetime.fromisoformat(now) if now else timezone.now())


# The WooCommerce channel's tasks (sync run, beat job) are declared beside its code.
from contexts.commercial.channels.woocommerce.tasks import scheduled_sync, sync_run  # noqa: E402,F401
