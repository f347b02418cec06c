"""Plain data returned by pos's api and selectors (stdlib only)."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class SellableLine:
    """What a scan or a search at the till finds: the price of one unit after promotions."""

    variant_id: uuid.UUID
    sku: str
    name: str
    barcode: str
    unit_price: Decimal     # after promotions, VAT included
    base_price: Decimal     # before promotions
    vat_rate: Decimal
    is_active: bool = True
    promotions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceiptLine:
    line_id: int
    variant_id: uuid.UUID
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    promotion_discount: Decimal
    discount: Decimal       # line discount plus its share of the ticket discount
    total: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class ReceiptVat:
    rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class ReceiptTender:
    method: str
    amount: Decimal
    tendered: Decimal
    reference: str


@dataclass(frozen=True)
class ReceiptData:
    ticket_id: uuid.UUID
    uuid: uuid.UUID
    number: int
    display_number: str
    kind: str
    created_at: datetime.datetime
    business_date: datetime.date
    register_code: str
    register_name: str
    cashier_id: int
    cashier_name: str
    seller_name: str
    trade_name: str
    siren: str
    siret: str
    vat_number: str
    address_line: str
    postal_code: str
    city: str
    receipt_footer: str
    customer_id: uuid.UUID | None
    customer_name: str
    lines: tuple[ReceiptLine, ...]
    vat: tuple[ReceiptVat, ...]
    subtotal: Decimal
    ticket_discount: Decimal
    total: Decimal
    total_net: Decimal
    total_vat: Decimal
    tenders: tuple[ReceiptTender, ...]
    change_given: Decimal
    original_ticket_id: uuid.UUID | None
    original_display_number: str
    journal_seq: int
    signature_excerpt: str
    hash_excerpt: str
    duplicate_count: int
    store_credit_codes: tuple[str, ...] = ()

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_count > 0


@dataclass(frozen=True)
class TenderTotal:
    method: str
    amount: Decimal


@dataclass(frozen=True)
class SessionSummary:
    session_id: uuid.UUID
    register_id: uuid.UUID
    register_code: str
    location_id: uuid.UUID
    cashier_id: int
    status: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    opening_float: Decimal
    expected: tuple[TenderTotal, ...]
    tickets: int
    sales: int
    returns: int
    gross: Decimal
    net: Decimal
    vat: Decimal
    per_rate: dict = field(default_factory=dict)
    closing_id: uuid.UUID | None = None
    counted: dict = field(default_factory=dict)
    difference: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IntegrityProblem:
    seq: int
    reason: str


@dataclass(frozen=True)
class IntegrityReport:
    ok: bool
    entries: int
    tickets: int
    closings: int
    last_seq: int
    last_hash: str
    first_bad_seq: int | None = None
    problems: tuple[IntegrityProblem, ...] = ()

    @property
    def message(self) -> str:
        if self.ok:
            return f"Journal intact: {self.entries} entries, {self.tickets} tickets, {self.closings} closings."
        first = self.problems[0]
        return f"Entry {first.seq}: {first.reason}"


@dataclass(frozen=True)
class TicketSummary:
    """What another context learns of a till ticket (pos.api)."""

    id: uuid.UUID
    number: int
    display_number: str
    kind: str
    register_code: str
    location_id: uuid.UUID
    customer_id: uuid.UUID | None
    total: Decimal
    total_net: Decimal
    total_vat: Decimal
    created_at: datetime.datetime
    business_date: datetime.date
