"""Commercial reacts to finance: commissions on payments and invoices, clawback on credit notes
(the table of subscribers: config/events.py)."""
from decimal import Decimal

from contexts.commercial.services import checkout, commissions, orders
from crm import eventbus


def commission_on_payment(event: eventbus.Envelope) -> None:
    commissions.on_payment_received(payment_id=event.payload["payment_id"], client_id=event.payload["client_id"],
                                    occurred_at=event.occurred_at)


def commission_on_invoice(event: eventbus.Envelope) -> None:
    p = event.payload
    commissions.on_invoice_issued(invoice_id=p["invoice_id"], client_id=p["client_id"], kind=p["kind"],
                                  total_net=Decimal(p.get("total_net") or "0"), total_gross=Decimal(p["total_gross"]),
                                  occurred_at=event.occurred_at, original_invoice_id=p.get("original_invoice_id"))


def is_about_an_order(event: eventbus.Envelope) -> bool:
    """`wanted` of the order subscribers of payments (config/events.py): a payment of invoices,
    not of a web order, is worth no task for them."""
    return bool(event.payload.get("order_id"))


def order_paid_on_payment(event: eventbus.Envelope) -> None:
    """An order's card payment finished after the checkout answered (3-D Secure, processing,
    a crash): the signed webhook made finance publish this; the order becomes paid once."""
    if is_about_an_order(event):
        checkout.complete_paid(order_id=event.payload["order_id"], payment_id=event.payload["payment_id"])


def order_cancelled_on_rejection(event: eventbus.Envelope) -> None:
    """An order's card payment failed after the checkout answered (3-D Secure refused): the
    order is cancelled and its stock released."""
    if is_about_an_order(event):
        checkout.cancel_unpaid(order_id=event.payload["order_id"], reason="payment_declined",
                               note=f"payment failed: {event.payload.get('reason', '')}")


# Logistics is a sibling layer: its events are read by name and payload, its modules never imported.
def completes_the_orders_shipping(event: eventbus.Envelope) -> bool:
    """`wanted` of order_shipped: the last of the order's shipments left."""
    return bool(event.payload.get("order_all_shipped"))


def completes_the_orders_delivery(event: eventbus.Envelope) -> bool:
    """`wanted` of order_delivered: the last of the order's shipments arrived."""
    return bool(event.payload.get("order_all_delivered"))


def order_shipped(event: eventbus.Envelope) -> None:
    """Every shipment of the order has left: the order is shipped."""
    if completes_the_orders_shipping(event):
        orders.fulfilment_reached(order_id=event.payload["order_id"], status="shipped",
                                  note=f"shipped {event.payload.get('tracking_number', '')}".strip())


def order_delivered(event: eventbus.Envelope) -> None:
    """Every shipment of the order was delivered: the order is delivered."""
    if completes_the_orders_delivery(event):
        orders.fulfilment_reached(order_id=event.payload["order_id"], status="delivered", note="delivered")
