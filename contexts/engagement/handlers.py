"""Engagement reacts to other contexts' events (the table of subscribers: config/events.py).
Each subscriber makes one service call; the bus runs it once per event (crm_handledevent), and
the services are idempotent on their own too (a timeline line, a ledger movement per reference).
pos.* events are subscribed by name: the till's branch publishes them."""
from __future__ import annotations

from decimal import Decimal

from contexts.commercial.events import ContractSigned, OrderCancelled, OrderPaid, OrderPlaced
from contexts.core.events import ClientCreated
from contexts.finance.events import InvoiceIssued, PaymentReceived, PaymentRejected
from contexts.inventory.events import StockLow
from crm import eventbus

TICKET_COMPLETED = "pos.ticket.completed.v1"
TICKET_RETURNED = "pos.ticket.returned.v1"


def _services():
    from contexts.engagement.services import health, loyalty, notifications, timeline

    return health, loyalty, notifications, timeline


# --- notifications -------------------------------------------------------------------------

def send_order_confirmation(event: eventbus.Envelope) -> None:
    _, _, notifications, _ = _services()
    notifications.order_confirmation(order_id=event.payload["order_id"], client_id=event.payload["client_id"],
                                     total=event.payload["total"], invoice_number=event.payload["invoice_number"])


def cart_recovery(event: eventbus.Envelope) -> None:
    _, _, notifications, _ = _services()
    p = event.payload
    notifications.cart_recovery(cart_id=p["cart_id"], client_id=p.get("client_id"),
                                items=sum(int(l.get("quantity", 0)) for l in p.get("lines", [])))


def staff_low_stock(event: eventbus.Envelope) -> None:
    _, _, notifications, _ = _services()
    p = event.payload
    notifications.notify_staff(kind="low_stock", dedup_key=f"low_stock:{event.event_id}",
                               title=f"Stock bas : {p['available']} disponible(s) (seuil {p['reorder_point']})",
                               link=f"/admin/catalog/variant/{p['variant_id']}/change/")


def staff_payment_rejected(event: eventbus.Envelope) -> None:
    _, _, notifications, _ = _services()
    p = event.payload
    notifications.notify_staff(kind="payment_rejected", dedup_key=f"payment_rejected:{event.event_id}",
                               title=f"Paiement rejeté : {p['amount']} €", body=p.get("reason", ""),
                               link=f"/admin/finance/payment/{p['payment_id']}/change/")


# --- timeline and health ------------------------------------------------------------------

def timeline_client_created(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    timeline.record_and_score(client_id=event.payload["client_id"], source="core", kind="client_created",
                              reference_id=event.payload["client_id"], occurred_at=event.occurred_at, title="Fiche client créée")


def timeline_contract_signed(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    p = event.payload
    timeline.record_and_score(client_id=p["client_id"], source="commercial", kind="contract_signed", reference_id=p["contract_id"],
                              occurred_at=event.occurred_at, title=f"Contrat signé ({p['start_date']} → {p['end_date']})")


def timeline_order_placed(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    p = event.payload
    timeline.record_and_score(client_id=p["client_id"], source="commercial", kind="order_placed", reference_id=p["order_id"],
                              occurred_at=event.occurred_at, title="Commande passée en ligne", amount=p["total"])


def timeline_order_paid(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    p = event.payload
    timeline.record_and_score(client_id=p["client_id"], source="commercial", kind="order_paid", reference_id=p["order_id"],
                              occurred_at=event.occurred_at, title=f"Commande payée (facture {p['invoice_number']})", amount=p["total"])


def timeline_invoice_issued(event: eventbus.Envelope) -> None:
    from contexts.finance import api as finance_api

    *_, timeline = _services()
    p = event.payload
    due = finance_api.invoice_due_dates(ids=[p["invoice_id"]]).get(_uuid(p["invoice_id"]))
    timeline.invoice_issued(invoice_id=p["invoice_id"], client_id=p["client_id"], number=p["number"], kind=p["kind"],
                            total_gross=p["total_gross"], due_date=due, occurred_at=event.occurred_at)


def timeline_payment_received(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    p = event.payload
    timeline.payment_received(payment_id=p["payment_id"], client_id=p["client_id"], amount=p["amount"],
                              invoice_ids=p.get("invoice_ids") or [], method=p["method"], occurred_at=event.occurred_at)


def timeline_payment_rejected(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    p = event.payload
    timeline.record_and_score(client_id=p["client_id"], source="finance", kind="payment_rejected", reference_id=p["payment_id"],
                              occurred_at=event.occurred_at, title=f"Paiement rejeté ({p.get('reason', '')})", amount=p["amount"])


def names_a_customer(event: eventbus.Envelope) -> bool:
    """`wanted` of the till's subscribers (config/events.py): an anonymous ticket (most of them)
    has no timeline line and earns no points, and is worth no task."""
    return bool(event.payload.get("customer_id"))


def timeline_ticket_completed(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    p = event.payload
    timeline.record_and_score(client_id=p.get("customer_id"), source="pos", kind="ticket_completed", reference_id=p["ticket_id"],
                              occurred_at=event.occurred_at, title=f"Ticket de caisse n° {p['number']}", amount=p["total"])


def timeline_ticket_returned(event: eventbus.Envelope) -> None:
    *_, timeline = _services()
    p = event.payload
    timeline.record_and_score(client_id=p.get("customer_id"), source="pos", kind="ticket_returned", reference_id=p["ticket_id"],
                              occurred_at=event.occurred_at, title=f"Retour en caisse, ticket n° {p['number']}", amount=p["total"])


# --- loyalty -------------------------------------------------------------------------------

def loyalty_order_paid(event: eventbus.Envelope) -> None:
    _, loyalty, _, _ = _services()
    p = event.payload
    loyalty.earn(client_id=p["client_id"], source="web_order", source_id=p["order_id"], amount=Decimal(p["total"]))


def loyalty_ticket_completed(event: eventbus.Envelope) -> None:
    _, loyalty, _, _ = _services()
    p = event.payload
    loyalty.earn(client_id=p.get("customer_id"), source="till_ticket", source_id=p["ticket_id"], amount=Decimal(p["total"]))


def loyalty_ticket_returned(event: eventbus.Envelope) -> None:
    _, loyalty, _, _ = _services()
    p = event.payload
    loyalty.till_return(client_id=p.get("customer_id"), ticket_id=p["ticket_id"], amount=Decimal(p["total"]),
                        restore_reference=p.get("loyalty_reference") or "")


def is_an_orders_credit_note(event: eventbus.Envelope) -> bool:
    """`wanted` of loyalty_credit_note: only a credit note on a web order takes points back."""
    return event.payload.get("kind") == "credit_note" and bool(event.payload.get("order_id"))


def loyalty_credit_note(event: eventbus.Envelope) -> None:
    """A web return is credited by a credit note on the order: its points are taken back."""
    _, loyalty, _, _ = _services()
    p = event.payload
    if is_an_orders_credit_note(event):
        loyalty.take_back(client_id=p["client_id"], source="web_return", source_id=p["invoice_id"], amount=Decimal(p["total_gross"]))


def loyalty_order_cancelled(event: eventbus.Envelope) -> None:
    """Points redeemed on an order that was then cancelled come back."""
    _, loyalty, _, _ = _services()
    loyalty.restore(reference=f"order:{event.payload['order_id']}")


def _uuid(value):
    import uuid

    return uuid.UUID(str(value))
