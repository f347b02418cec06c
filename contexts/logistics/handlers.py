"""Logistics reacts to commercial (a paid order is shipped) and finance (a formal notice is
posted). Subscribed by event name: commercial is a sibling layer, whose modules logistics does
not import. Each handler loads by id and makes one service call."""
from crm import eventbus


@eventbus.subscribe("commercial.order.paid.v1", name="logistics.shipment_on_order_paid")
def shipment_on_order_paid(event: eventbus.Envelope) -> None:
    from contexts.logistics.services import shipments

    p = event.payload
    if p.get("lines"):  # an order with goods (events before the lines were added carry none)
        shipments.create_for_order(order_id=p["order_id"], client_id=p["client_id"], lines=p["lines"])


@eventbus.subscribe("finance.dunning.formal_notice.v1", name="logistics.letter_on_formal_notice")
def letter_on_formal_notice(event: eventbus.Envelope) -> None:
    """The formal notice is posted as a registered letter with acknowledgement of receipt."""
    from contexts.logistics.services import dispatches

    dispatches.post_formal_notice(reminder_id=event.payload["reminder_id"])


@eventbus.subscribe("finance.invoice.issued.v1", name="logistics.letter_on_invoice_issued")
def letter_on_invoice_issued(event: eventbus.Envelope) -> None:
    """An invoice (or credit note) for a buyer without an e-mail address is posted as a simple letter."""
    from contexts.logistics.services import dispatches

    dispatches.post_invoice(invoice_id=event.payload["invoice_id"])
