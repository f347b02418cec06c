"""Logistics reacts to commercial (a paid order is shipped) and finance (a formal notice is
posted), and tells finance what became of a posted formal notice (finance is below logistics:
it does not listen to logistics, logistics calls finance.api). Commercial is a sibling layer,
whose modules logistics does not import: its events are read by payload. The table of
subscribers: config/events.py."""
from crm import eventbus


def shipment_on_order_paid(event: eventbus.Envelope) -> None:
    from contexts.logistics.services import shipments

    p = event.payload
    if p.get("lines"):  # an order with goods (events before the lines were added carry none)
        shipments.create_for_order(order_id=p["order_id"], client_id=p["client_id"], lines=p["lines"])


def letter_on_formal_notice(event: eventbus.Envelope) -> None:
    """The formal notice is posted as a registered letter with acknowledgement of receipt."""
    from contexts.logistics.services import dispatches

    dispatches.post_formal_notice(reminder_id=event.payload["reminder_id"])


def letter_on_invoice_issued(event: eventbus.Envelope) -> None:
    """An invoice (or credit note) for a buyer without an e-mail address is posted as a simple letter."""
    from contexts.logistics.services import dispatches

    dispatches.post_invoice(invoice_id=event.payload["invoice_id"])


def is_a_formal_notice(event: eventbus.Envelope) -> bool:
    """`wanted` of formal_notice_dispatch_ended: a posted invoice's fate is not finance's news."""
    return event.payload.get("source") == "finance.dunning" and bool(event.payload.get("source_id"))


def formal_notice_dispatch_ended(event: eventbus.Envelope) -> None:
    """A posted formal notice was delivered (with its proof) or returned: finance shows it in the
    invoice's dunning history."""
    from decimal import Decimal

    from contexts.finance import api as finance_api

    p = event.payload
    if is_a_formal_notice(event):
        status = "delivered" if event.name.startswith("logistics.dispatch.delivered") else "returned"
        finance_api.record_dunning_dispatch(reminder_id=p["source_id"], dispatch_id=p["dispatch_id"], status=status,
                                            proof=p.get("proof") or "", cost=Decimal(p["cost"]) if p.get("cost") else None)
