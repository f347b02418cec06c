"""Checkout: the path that must never oversell, double-charge or lose an order.

1. In one transaction: the cart is locked and priced again, its stock is checked (expired
   holds are taken again, or the checkout is refused with insufficient_stock), the order is
   written with the Idempotency-Key (unique) and commercial.order.placed is published.
2. Holding only the order row's lock (no stock row): finance charges the card (Stripe, same
   key -> never twice); then, in that transaction, the reserved stock becomes sales and the order
   is paid and invoiced (commercial.order.paid), or, if the card was declined, the order is
   cancelled and the stock released.
A retry with the same key returns the same order, finishing what a crash interrupted."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction

from contexts.commercial.events import OrderCancelled, OrderPaid, OrderPlaced
from contexts.commercial.models import Cart, CartStatus, Order, OrderLine, OrderStatus, OrderStatusChange
from contexts.commercial.services import carts, orders
from contexts.core import api as core_api
from contexts.finance import api as finance_api
from contexts.inventory import api as inventory_api
from crm import eventbus
from crm.rest.errors import DomainError, InvalidInput


class EmptyCart(InvalidInput):
    code = "empty_cart"


class CheckoutDeclined(DomainError):
    code = "payment_declined"
    status_code = 402


def _place(*, session_id: str, customer_id: uuid.UUID, idempotency_key: str) -> Order:
    with transaction.atomic():
        cart = Cart.objects.select_for_update().filter(session_id=session_id, status=CartStatus.OPEN,
                                                       customer_id=customer_id).first()
        if cart is None:
            done = Order.objects.filter(idempotency_key=idempotency_key, customer_id=customer_id).first()
            if done is not None:
                return done  # the same submit, committed meanwhile
            raise InvalidInput("No open cart of yours for this session.", field="session_id")
        priced = carts.totals(cart)
        if not priced.lines:
            raise EmptyCart("The cart is empty.", field="session_id")
        held = inventory_api.active_reservations(reference_prefix=f"{cart.reference}:")
        for line in priced.lines:
            if held.get(line.variant_id, 0) < line.quantity:  # the hold expired: take it again or refuse
                inventory_api.release_reference(reference=f"{cart.reference}:{line.variant_id}")
                inventory_api.reserve(variant_id=line.variant_id, quantity=line.quantity,
                                      reference=f"{cart.reference}:{line.variant_id}", ttl_seconds=carts.RESERVATION_TTL)
        client = core_api.client_for_customer(customer_id=customer_id)
        order = Order.objects.create(idempotency_key=idempotency_key, customer_id=customer_id, client_id=client.client_id,
                                     cart_id=cart.id, subtotal=priced.subtotal, shipping_fee=priced.shipping_fee,
                                     total=priced.total, vat_breakdown=priced.vat, coupon=cart.coupon)
        OrderLine.objects.bulk_create([
            OrderLine(order=order, variant_id=l.variant_id, label=l.label, quantity=l.quantity, unit_price=l.unit_price,
                      discount=l.discount, total=l.total, vat_rate=l.vat_rate) for l in priced.lines
        ])
        OrderStatusChange.objects.create(order=order, to_status=OrderStatus.PLACED)
        cart.status = CartStatus.CHECKED_OUT
        cart.save(update_fields=["status"])
        eventbus.publish(OrderPlaced(order_id=order.id, client_id=order.client_id, customer_id=customer_id, total=order.total))
    return order


def _invoice_lines(order: Order) -> list[dict]:
    """Order lines (VAT included) as invoice lines (net unit prices, 4 decimals)."""
    lines = []
    for l in order.lines.all():
        net_total = l.total / (1 + l.vat_rate / Decimal(100))
        lines.append({"label": l.label, "quantity": l.quantity, "unit_price_net": (net_total / l.quantity).quantize(Decimal("0.0001")),
                      "vat_rate": l.vat_rate, "variant_id": l.variant_id})
    if order.shipping_fee:
        lines.append({"label": "Livraison", "quantity": 1,
                      "unit_price_net": (order.shipping_fee / Decimal("1.2")).quantize(Decimal("0.0001")), "vat_rate": Decimal("20")})
    return lines


def checkout(*, session_id: str, customer_id: uuid.UUID, payment_method: str, idempotency_key: str) -> Order:
    if not idempotency_key:
        raise InvalidInput("An Idempotency-Key header is required.", field="idempotency_key")
    finance_api.require_seller_identity()  # a paid order is invoiced: refuse before charging, not after
    order = Order.objects.filter(idempotency_key=idempotency_key).first()
    if order is None:
        try:
            order = _place(session_id=session_id, customer_id=customer_id, idempotency_key=idempotency_key)
        except IntegrityError:  # the same key placed concurrently: that order it is
            order = Order.objects.get(idempotency_key=idempotency_key)
    elif order.customer_id != customer_id:
        raise InvalidInput("This Idempotency-Key belongs to another order.", field="idempotency_key")
    # The order row's lock serialises a double submit of the same order: the second waits and
    # then sees the outcome. Stock rows are locked only after the card was charged.
    declined = None
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.PLACED:
            return order  # paid or cancelled already: the retry sees the outcome
        try:
            payment = finance_api.pay_order_by_card(order_id=order.id, client_id=order.client_id, amount=order.total,
                                                    payment_method=payment_method, idempotency_key=f"order:{order.id}")
        except finance_api.PaymentDeclined as exc:
            declined = exc.message
            for item in order.lines.all():
                inventory_api.release_reference(reference=f"cart:{order.cart_id}:{item.variant_id}")
            orders.transition(order, OrderStatus.CANCELLED, note=f"payment declined: {declined}"[:200])
            eventbus.publish(OrderCancelled(order_id=order.id, reason="payment_declined"))
        else:
            inventory_api.commit_reference(reference_prefix=f"cart:{order.cart_id}:", sale_reference=f"order:{order.id}")
            invoice = finance_api.invoice_for_order(order_id=order.id, client_id=order.client_id, lines=_invoice_lines(order))
            order.payment_id, order.invoice_number = payment.id, invoice.number
            order.save(update_fields=["payment_id", "invoice_number"])
            orders.transition(order, OrderStatus.PAID)
            eventbus.publish(OrderPaid(order_id=order.id, client_id=order.client_id, total=order.total,
                                       invoice_number=invoice.number))
    if declined is not None:
        raise CheckoutDeclined(declined, field="payment_method")
    return order
