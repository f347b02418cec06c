"""Events published by finance: contracts (add fields, never rename). Plain Python only."""
from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class InvoiceIssued(Event):
    name = "finance.invoice.issued.v1"
    invoice_id: uuid.UUID
    number: str
    kind: str  # invoice or credit_note
    client_id: uuid.UUID
    order_id: uuid.UUID | None
    total_gross: Decimal
    currency: str
    original_invoice_id: uuid.UUID | None = None  # for a credit note: the invoice it corrects
    total_net: Decimal | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentReceived(Event):
    name = "finance.payment.received.v1"
    payment_id: uuid.UUID
    client_id: uuid.UUID
    method: str
    amount: Decimal
    currency: str
    invoice_ids: list = dataclasses.field(default_factory=list)
    order_id: uuid.UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentRejected(Event):
    name = "finance.payment.rejected.v1"
    payment_id: uuid.UUID
    client_id: uuid.UUID
    amount: Decimal
    reason: str
    order_id: uuid.UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class FormalNoticeSent(Event):
    """Dunning reached the formal notice (level 3): the letter is to be posted (logistics)."""
    name = "finance.dunning.formal_notice.v1"
    reminder_id: uuid.UUID
    invoice_id: uuid.UUID
    client_id: uuid.UUID
    amount_due: Decimal
