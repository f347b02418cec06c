"""Events published by commercial: contracts (add fields, never rename). Plain Python only."""
from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderPlaced(Event):
    name = "commercial.order.placed.v1"
    order_id: uuid.UUID
    client_id: uuid.UUID
    customer_id: uuid.UUID | None
    total: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderPaid(Event):
    name = "commercial.order.paid.v1"
    order_id: uuid.UUID
    client_id: uuid.UUID
    total: Decimal
    invoice_number: str
    lines: list = dataclasses.field(default_factory=list)  # [{variant_id, quantity, label}]: what to ship


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderCancelled(Event):
    name = "commercial.order.cancelled.v1"
    order_id: uuid.UUID
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class CartAbandoned(Event):
    """An idle cart gave its stock back; a known customer may get a recovery e-mail (engagement)."""
    name = "commercial.cart.abandoned.v1"
    cart_id: uuid.UUID
    customer_id: uuid.UUID | None
    client_id: uuid.UUID | None
    lines: list = dataclasses.field(default_factory=list)  # [{variant_id, quantity}]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContractSigned(Event):
    name = "commercial.contract.signed.v1"
    contract_id: uuid.UUID
    client_id: uuid.UUID
    start_date: str
    end_date: str
