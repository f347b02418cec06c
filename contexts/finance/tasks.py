"""Celery entry points of finance (tenant-aware: the schema travels in the task headers)."""
from celery import shared_task
from celery.schedules import crontab

from crm.jobs import tenant_job


# Acknowledged after it ran, back in the queue if the worker dies; rendering twice is a no-op.
@shared_task(name="finance.render_invoice_document", autoretry_for=(OSError,), retry_backoff=True, max_retries=5,
             acks_late=True, reject_on_worker_lost=True)
def render_invoice_document(*, invoice_id: str) -> str:
    from contexts.finance import documents
    from contexts.finance.models import Invoice

    try:
        return str(documents.render_document(invoice_id=invoice_id).id)
    except Invoice.DoesNotExist:
        return "gone"  # nothing to render; retrying would not make it appear


@tenant_job(schedule=crontab(minute="*/10"))
@shared_task(name="finance.render_missing_documents")
def render_missing_documents() -> int:
    """Sweeps issued invoices whose document was never rendered (broker down at issue time, a
    rendering task lost with a killed worker)."""
    from contexts.finance import documents
    from contexts.finance.models import Invoice

    ids = list(Invoice.objects.filter(status="issued", documents__isnull=True).values_list("id", flat=True)[:200])
    for invoice_id in ids:
        documents.render_document(invoice_id=invoice_id)
    return len(ids)


@tenant_job(schedule=crontab(hour=8, minute=0))
@shared_task(name="finance.run_dunning")
def run_dunning(*, today: str | None = None) -> int:
    """`today` (ISO date) for a replay or a test; beat leaves it out and the tenant's date is used."""
    import datetime

    from contexts.finance.services import dunning
    from crm.audit import Actor, acting_as

    with acting_as(Actor("system", "", "beat: dunning")):
        return dunning.run(today=datetime.date.fromisoformat(today) if today else None)


@tenant_job(schedule=crontab(minute="*/5"))
@shared_task(name="finance.reconcile_card_payments")
def reconcile_card_payments(*, now: str | None = None) -> int:
    """Card payments outside orders left pending (3-D Secure, a crash): synced with Stripe,
    given up after PAYMENT_ACTION_TIMEOUT_SECONDS. `now` (ISO date-time) for a replay or a test."""
    import datetime

    from django.utils import timezone

    from contexts.finance.services import payments
    from crm.audit import Actor, acting_as

    with acting_as(Actor("system", "", "beat: reconcile card payments")):
        return payments.reconcile_card_payments(now=datetime.datetime.fromisoformat(now) if now else timezone.now())
