"""Subscribers feeding the reporting read model: load by id (or read the payload), one service
call. Registered by the table of subscribers (config/events.py). The till's events are read by name:
the read model does not wait for pos to publish them."""
from __future__ import annotations

from decimal import Decimal

from contexts.commercial.events import OrderCancelled, OrderPlaced
from contexts.core.events import ClientCreated
from contexts.finance.events import InvoiceIssued, PaymentReceived
from crm import eventbus

TICKET_COMPLETED = "pos.ticket.completed.v1"
TICKET_RETURNED = "pos.ticket.returned.v1"


def _services():
    from contexts.engagement.reporting import services

    return services


def invoice_issued(event: eventbus.Envelope) -> None:
    _services().record_invoice(invoice_id=event.payload["invoice_id"], occurred_at=event.occurred_at)


def payment_received(event: eventbus.Envelope) -> None:
    p = event.payload
    _services().record_payment(payment_id=p["payment_id"], client_id=p["client_id"], method=p["method"],
                               amount=Decimal(str(p["amount"])), occurred_at=event.occurred_at)


def order_placed(event: eventbus.Envelope) -> None:
    p = event.payload
    _services().record_order_placed(order_id=p["order_id"], client_id=p["client_id"], total=Decimal(str(p["total"])),
                                    occurred_at=event.occurred_at)


def order_cancelled(event: eventbus.Envelope) -> None:
    _services().record_order_cancelled(order_id=event.payload["order_id"])


def client_created(event: eventbus.Envelope) -> None:
    _services().record_client_created(client_id=event.payload["client_id"], occurred_at=event.occurred_at)


def _ticket(event: eventbus.Envelope, kind: str) -> None:
    p = event.payload
    _services().record_ticket(ticket_id=p["ticket_id"], kind=kind, occurred_at=event.occurred_at,
                              register_id=p.get("register_id"), location_id=p.get("location_id"),
                              customer_id=p.get("customer_id"), total=Decimal(str(p["total"])),
                              total_net=Decimal(str(p["total_net"])) if p.get("total_net") is not None else None,
                              items=p.get("items") or ())


def ticket_completed(event: eventbus.Envelope) -> None:
    _ticket(event, "sale")


def ticket_returned(event: eventbus.Envelope) -> None:
    _ticket(event, "return")
