"""The client timeline: one line per thing that happened to a client, from any context's event
or from staff. Recording the same event twice keeps one line (unique kind + reference)."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import transaction

from contexts.engagement.models import ClientInvoice, TimelineEntry


def record(*, client_id: uuid.UUID | str | None, source: str, kind: str, reference_id: uuid.UUID | str,
           occurred_at: datetime.datetime, title: str, amount: Decimal | str | None = None) -> bool:
    """True when the line is new. A client-less event (an anonymous ticket) records nothing."""
    if not client_id:
        return False
    with transaction.atomic():
        created = TimelineEntry.objects.bulk_create(
            [TimelineEntry(client_id=client_id, source=source, kind=kind, reference_id=reference_id, occurred_at=occurred_at,
                           title=title[:250], amount=Decimal(amount) if amount not in (None, "") else None)],
            ignore_conflicts=True,
        )
        exists = TimelineEntry.objects.filter(kind=kind, reference_id=reference_id).exists()
    return bool(created) and exists


def record_and_score(*, client_id, source: str, kind: str, reference_id, occurred_at: datetime.datetime, title: str,
                     amount=None) -> None:
    """An event about a client: its timeline line, then its health score as of the event's day."""
    from contexts.engagement.services import health

    if not client_id:
        return
    with transaction.atomic():
        record(client_id=client_id, source=source, kind=kind, reference_id=reference_id, occurred_at=occurred_at,
               title=title, amount=amount)
        health.recompute(client_id=uuid.UUID(str(client_id)), today=occurred_at.date())


def invoice_issued(*, invoice_id, client_id, number: str, kind: str, total_gross, due_date: datetime.date | None,
                   occurred_at: datetime.datetime) -> None:
    """An issued invoice (or credit note): on the timeline, and in the receivables the score reads."""
    if not client_id:
        return
    label = "Avoir" if kind == "credit_note" else "Facture"
    with transaction.atomic():
        if kind != "credit_note":
            ClientInvoice.objects.get_or_create(invoice_id=invoice_id, defaults={
                "client_id": client_id, "number": number, "total": Decimal(total_gross), "due_date": due_date})
        record_and_score(client_id=client_id, source="finance", kind=f"invoice_{kind}", reference_id=invoice_id,
                         occurred_at=occurred_at, title=f"{label} {number} émis(e)", amount=total_gross)


def payment_received(*, payment_id, client_id, amount, invoice_ids: list, method: str,
                     occurred_at: datetime.datetime) -> None:
    if not client_id:
        return
    with transaction.atomic():
        # Fully or partly paid: an invoice with a payment is no longer counted as a late one
        # (finance's dunning handles the remainder).
        ClientInvoice.objects.filter(invoice_id__in=invoice_ids or [], paid_at__isnull=True).update(paid_at=occurred_at)
        record_and_score(client_id=client_id, source="finance", kind="payment_received", reference_id=payment_id,
                         occurred_at=occurred_at, title=f"Paiement reçu ({method})", amount=amount)
