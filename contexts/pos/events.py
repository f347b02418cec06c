"""Events published by pos: contracts (add fields, never rename). Plain Python only."""
from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class TicketCompleted(Event):
    """A sale at a till (after commit: stock already taken, journal entry written)."""

    name = "pos.ticket.completed.v1"
    ticket_id: uuid.UUID
    register_id: uuid.UUID
    location_id: uuid.UUID
    number: int
    cashier_id: int
    customer_id: uuid.UUID | None
    total: Decimal
    total_net: Decimal
    total_vat: Decimal
    business_date: str
    items: tuple = ()  # ({"variant_id", "quantity", "total"}, ...)


@dataclasses.dataclass(frozen=True, kw_only=True)
class TicketReturned(Event):
    """A return, or a void, at a till: a new ticket with negative lines."""

    name = "pos.ticket.returned.v1"
    ticket_id: uuid.UUID
    original_ticket_id: uuid.UUID | None
    register_id: uuid.UUID
    location_id: uuid.UUID
    number: int
    kind: str  # return | void
    customer_id: uuid.UUID | None
    total: Decimal  # negative
    refund_method: str
    business_date: str
    items: tuple = ()
    # A void of a sale that spent loyalty points: the redemption's reference (the one the sale
    # gave the "loyalty.redeem" hook) and its points, to be given back; "" and 0 otherwise.
    loyalty_reference: str = ""
    loyalty_points: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class SessionClosed(Event):
    """A cashier session's Z closing."""

    name = "pos.session.closed.v1"
    session_id: uuid.UUID
    closing_id: uuid.UUID
    register_id: uuid.UUID
    location_id: uuid.UUID
    tickets: int
    gross: Decimal
    cash_difference: Decimal | None
    automatic: bool = False
