"""The published interface of pos: the only module other contexts may import (with events.py).

Functions take keyword arguments and return plain values or frozen dataclasses; they check
their arguments and delegate to one service or selector."""
from __future__ import annotations

import uuid

from contexts.pos.data import IntegrityReport, ReceiptData, TicketSummary
from crm.rest.errors import InvalidInput, NotFound  # noqa: F401  (raised by these functions)


def ticket_summary(*, ticket_id: uuid.UUID) -> TicketSummary | None:
    """A till ticket as other contexts see it (a customer's history, an invoice for a ticket)."""
    return tickets_by_ids(ids=[ticket_id]).get(ticket_id)


def tickets_by_ids(*, ids) -> dict[uuid.UUID, TicketSummary]:
    """One query whatever the number of ids."""
    from contexts.pos.models import Ticket

    keys = []
    for i in ids:
        try:
            keys.append(uuid.UUID(str(i)))
        except ValueError:
            continue
    return {t.id: TicketSummary(id=t.id, number=t.number, display_number=str(t), kind=t.kind, register_code=t.register.code,
                                location_id=t.location_id, customer_id=t.customer_id, total=t.total, total_net=t.total_net,
                                total_vat=t.total_vat, created_at=t.created_at, business_date=t.business_date)
            for t in Ticket.objects.select_related("register").filter(id__in=keys)}


def customer_tickets(*, customer_id: uuid.UUID, limit: int = 50) -> list[TicketSummary]:
    """A client's till tickets, newest first (their history across channels)."""
    from contexts.pos import selectors

    rows = selectors.history(customer_id=customer_id)[: max(1, min(int(limit), 500))]
    return [TicketSummary(id=t.id, number=t.number, display_number=str(t), kind=t.kind, register_code=t.register.code,
                          location_id=t.location_id, customer_id=t.customer_id, total=t.total, total_net=t.total_net,
                          total_vat=t.total_vat, created_at=t.created_at, business_date=t.business_date) for t in rows]


def receipt(*, ticket_id: uuid.UUID) -> ReceiptData:
    from contexts.pos import selectors

    return selectors.receipt(ticket_id=ticket_id)


def check_journal() -> IntegrityReport:
    from contexts.pos.services import integrity

    return integrity.verify_journal()


def create_register(*, name: str, code: str, location_id: uuid.UUID) -> uuid.UUID:
    """A register of a shop (an inventory location of kind shop); InvalidInput names the field."""
    from contexts.pos.services import registers

    return registers.create_register(name=name, code=code, location_id=location_id).id


def set_manager_pin(*, user_id: int, pin: str) -> None:
    """The PIN a manager types at a till to approve a discount, a return without ticket, a void."""
    from contexts.pos.services import managers

    managers.set_manager_pin(user_id=user_id, pin=pin)


def set_shop_identity(*, location_id: uuid.UUID, name: str = "", siret: str = "", address_line: str = "",
                      postal_code: str = "", city: str = "", receipt_footer: str = "") -> None:
    """What a shop's receipts print (its name, SIRET and address); InvalidInput names the field."""
    from contexts.pos.services import registers

    registers.set_shop_identity(location_id=location_id, name=name, siret=siret, address_line=address_line,
                                postal_code=postal_code, city=city, receipt_footer=receipt_footer)
