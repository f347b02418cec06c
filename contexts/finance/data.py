"""The data classes finance's api returns: frozen, stdlib only."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class IssuedInvoice:
    id: uuid.UUID
    number: str
    total_gross: Decimal
    balance: Decimal


@dataclass(frozen=True)
class CardPayment:
    id: uuid.UUID
    status: str                 # pending, succeeded, failed
    amount: Decimal
    intent_status: str = ""     # Stripe's: succeeded, requires_action, processing...
    client_secret: str = ""     # for the client to finish 3-D Secure (only while pending)
    next_action: dict | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class InvoicePdf:
    number: str
    content: bytes | None   # None while the worker has not rendered it yet (just after issue)


@dataclass(frozen=True)
class InvoiceShare:
    """A part of an invoice, excl. VAT, with the net amount of each line's variant."""

    invoice_id: uuid.UUID
    client_id: uuid.UUID
    net: Decimal          # the share, excl. VAT
    gross: Decimal        # the share, VAT included
    line_nets: tuple      # ((variant_id or None, net), ...) of the whole invoice


@dataclass(frozen=True, kw_only=True)
class Letter:
    """A document to post to an invoice's buyer, at the address printed on the invoice."""

    invoice_id: uuid.UUID
    client_id: uuid.UUID
    buyer_name: str
    address_line: str
    postal_code: str
    city: str
    country: str
    pdf: bytes


@dataclass(frozen=True, kw_only=True)
class FormalNoticeLetter(Letter):
    reminder_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class InvoiceLetter(Letter):
    number: str


@dataclass(frozen=True)
class ReportLine:
    variant_id: uuid.UUID | None
    quantity: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class ReportInvoice:
    """An issued invoice or credit note as the reporting read model needs it."""

    id: uuid.UUID
    kind: str                       # invoice or credit_note
    client_id: uuid.UUID
    order_id: uuid.UUID | None
    contract_id: uuid.UUID | None
    issued_at: object               # datetime
    due_date: object                # date or None
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    lines: tuple = ()


@dataclass(frozen=True)
class ReportPayment:
    id: uuid.UUID
    client_id: uuid.UUID
    method: str
    amount: Decimal
    received_at: object             # datetime
    allocations: tuple = ()
