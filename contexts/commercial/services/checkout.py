"""Checkout: the path that must never oversell, double-charge or lose an order. No database
transaction is open and no row is locked while the card processor is called.

1. One transaction: the cart is locked and priced again, its stock is checked (expired holds
   are taken again, or the checkout is refused with insufficient_stock) and held for as long as
   a payment may take, the order is written with the Idempotency-Key (unique) and a fingerprint
   of the request with its pending card payment, commercial.order.placed is published. Commit.
2. No transaction: finance charges the card with the order's key (Stripe never charges twice
   for one key).
3. One short transaction applies the outcome:
   - succeeded: the payment is received, the held stock becomes sales, the order is paid; after
     commit, the payment-received subscriber (`complete_paid`, in the worker) issues its invoice
     and publishes commercial.order.paid, once per order;
   - declined, or a payment method Stripe does not know: the order is cancelled, its stock
     released and the cart reopened (402 / 400 naming payment_method);
   - requires_action (3-D Secure) or processing: the order stays placed with its stock held,
     the response carries what the client needs (client_secret, next_action). The signed
     webhook (finance.payment.received -> `complete_paid`), a retry with the same key, or the
     reconcile job (`reconcile_placed`) finishes it; the job cancels and releases an order whose
     payment did not come within PAYMENT_ACTION_TIMEOUT_SECONDS.
   - the processor did not answer (503): the order stays placed; a retry with the same key or
     the reconcile job finishes it.
A retry with the same key returns the same order; the same key with another body is refused
(422 naming Idempotency-Key) and touches nothing."""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.commercial.events import OrderCancelled, OrderPaid, OrderPlaced
from contexts.commercial.models import Cart, CartStatus, Order, OrderLine, OrderStatus, OrderStatusChange
from contexts.commercial.services import carts, holds, orders
from contexts.core import api as core_api
from contexts.finance import api as finance_api
from crm import eventbus, hooks
from crm.money import PRICE_PLACES, net_of, spread
from crm.rest.errors import DomainError, InvalidInput
from django.utils.translation import gettext as _
from crm.transactions import joined

logger = logging.getLogger(__name__)


class EmptyCart(InvalidInput):
    code = "empty_cart"


class ItemsWithdrawn(DomainError):
    """A line's variant (or its product) was taken off sale after it went into the cart."""
    code = "items_withdrawn"


class CheckoutDeclined(DomainError):
    code = "payment_declined"
    status_code = 402


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status_code = 422


def _fingerprint(*, session_id: str, payment_method: str, loyalty_points: int = 0) -> str:
    parts = [session_id, payment_method] + ([loyalty_points] if loyalty_points else [])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _redeem_points(*, priced: carts.Totals, client_id: uuid.UUID, points: int, order_id: uuid.UUID) -> carts.Totals:
    """Loyalty points spent on this order (engagement answers through the kernel hook
    "loyalty.redeem", once per order). The discount (VAT included) is spread over the goods
    lines pro rata to their totals, to the cent, the largest line taking the rounding
    difference (crm.money.spread): each VAT rate bears its share, and each line's net and VAT
    are recomputed from its discounted total by the one net_of rule (invoice, credit note on a
    return and VAT breakdown all follow). Shipping is not discounted. At least one cent per line
    is left to pay: points worth the whole basket are refused."""
    try:
        discount = hooks.call("loyalty.redeem", client_id=client_id, points=points, reference=f"order:{order_id}",
                              default=Decimal("0.00"))
    except DomainError as exc:  # not enough points, programme closed...: the request's field
        raise InvalidInput(exc.message, field="loyalty_points") from exc
    if not discount or discount <= 0:
        raise InvalidInput(_("Loyalty points cannot be used in this shop."), field="loyalty_points")
    if discount > priced.subtotal - Decimal("0.01") * len(priced.lines):
        raise InvalidInput(_("These points are worth more than the basket: use fewer points."), field="loyalty_points")
    shares = spread(discount, [l.total for l in priced.lines])
    lines = tuple(dataclasses.replace(l, discount=l.discount + share, total=l.total - share)
                  for l, share in zip(priced.lines, shares))
    subtotal = priced.subtotal - discount
    return carts.Totals(lines, subtotal, priced.shipping_fee, subtotal + priced.shipping_fee,
                        carts.vat_breakdown(lines, priced.shipping_fee))


def _hold_until() -> datetime.datetime:
    """Stock held by a placed order lasts until the reconcile job had its chance to cancel it."""
    return timezone.now() + datetime.timedelta(seconds=settings.PAYMENT_ACTION_TIMEOUT_SECONDS
                                               + 2 * settings.PAYMENT_RECONCILE_AFTER_SECONDS + 600)


def _place(*, session_id: str, customer_id: uuid.UUID, idempotency_key: str, fingerprint: str,
           payment_method: str, loyalty_points: int = 0) -> Order:
    # A command's edge: committed before the card is charged, so never inside a caller's transaction.
    with transaction.atomic(durable=True):
        cart = Cart.objects.select_for_update().filter(session_id=session_id, status=CartStatus.OPEN,
                                                       customer_id=customer_id).first()
        if cart is None:
            done = Order.objects.filter(idempotency_key=idempotency_key, customer_id=customer_id).first()
            if done is not None:
                return done  # the same submit, committed meanwhile
            raise InvalidInput(_("No open cart of yours for this session."), field="session_id")
        priced = carts.totals(cart)
        if not priced.lines:
            raise EmptyCart(_("The cart is empty."), field="session_id")
        withdrawn = [l.label for l in priced.lines if not l.is_active]
        if withdrawn:
            raise ItemsWithdrawn(_("No longer on sale, to remove from the cart: %(items)s.")
                                 % {"items": ", ".join(withdrawn)}, field="session_id")
        held = holds.held(cart_id=cart.id)
        for line in priced.lines:
            if held.get(line.variant_id, 0) < line.quantity:  # the hold expired: take it again or refuse
                holds.hold(cart_id=cart.id, variant_id=line.variant_id, quantity=line.quantity)
        holds.keep_until(cart_id=cart.id, until=_hold_until())
        client = core_api.client_for_customer(customer_id=customer_id)
        order_id, undiscounted = uuid.uuid4(), priced.subtotal
        if loyalty_points:
            priced = _redeem_points(priced=priced, client_id=client.client_id, points=loyalty_points, order_id=order_id)
        order = Order.objects.create(id=order_id, idempotency_key=idempotency_key, request_fingerprint=fingerprint, customer_id=customer_id, client_id=client.client_id,
                                     cart_id=cart.id, subtotal=priced.subtotal, shipping_fee=priced.shipping_fee,
                                     total=priced.total, vat_breakdown=priced.vat, coupon=cart.coupon,
                                     loyalty_points=loyalty_points, loyalty_discount=undiscounted - priced.subtotal)
        OrderLine.objects.bulk_create([
            OrderLine(order=order, variant_id=l.variant_id, label=l.label, quantity=l.quantity, unit_price=l.unit_price,
                      discount=l.discount, total=l.total, vat_rate=l.vat_rate) for l in priced.lines
        ])
        OrderStatusChange.objects.create(order=order, to_status=OrderStatus.PLACED)
        cart.status = CartStatus.CHECKED_OUT
        cart.save(update_fields=["status"])
        eventbus.publish(OrderPlaced(order_id=order.id, client_id=order.client_id, customer_id=customer_id, total=order.total))
        # The card payment's pending row commits with the order (the charge's idempotency key is the order's).
        order.opened_payment_id = finance_api.open_order_card_payment(
            order_id=order.id, client_id=order.client_id, amount=order.total, payment_method=payment_method,
            idempotency_key=_payment_key(order))
    return order


def _payment_key(order: Order) -> str:
    return f"order:{order.id}"


def _invoice_lines(order: Order, order_lines=None) -> list[dict]:
    """Order lines (VAT included) as invoice lines (net unit prices, 4 decimals)."""
    lines = [{"label": l.label, "quantity": l.quantity, "vat_rate": l.vat_rate, "variant_id": l.variant_id,
              "unit_price_net": net_of(l.total, l.vat_rate, quantity=l.quantity, places=PRICE_PLACES)}
             for l in (order.lines.all() if order_lines is None else order_lines)]
    if order.shipping_fee:
        lines.append({"label": "Livraison", "quantity": 1, "vat_rate": carts.SHIPPING_VAT,
                      "unit_price_net": net_of(order.shipping_fee, carts.SHIPPING_VAT, places=PRICE_PLACES)})
    return lines


def _reopen_cart(order: Order) -> None:
    """After a refused payment the customer may try another card: the cart opens again (its
    stock is held again at the next checkout), unless the session has another open cart."""
    cart = Cart.objects.filter(pk=order.cart_id, status=CartStatus.CHECKED_OUT).first()
    if cart is not None and not Cart.objects.filter(session_id=cart.session_id, status=CartStatus.OPEN).exists():
        cart.status = CartStatus.OPEN
        cart.save(update_fields=["status", "updated_at"])


def cancel_unpaid(*, order_id: uuid.UUID, reason: str, note: str = "", reopen_cart: bool = False) -> Order:
    """A placed order whose payment failed or never came: cancelled, its stock released (once)."""
    with joined():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != OrderStatus.PLACED:
            return order
        holds.release(cart_id=order.cart_id)
        orders.transition(order, OrderStatus.CANCELLED, note=(note or reason)[:200])
        eventbus.publish(OrderCancelled(order_id=order.id, reason=reason))
        if reopen_cart:
            _reopen_cart(order)
    return order


def _settle(order: Order, payment_id: uuid.UUID) -> bool:
    """A placed order (row locked) whose payment was received: its held stock becomes sales and it
    is paid. False when it is not placed (paid already, or cancelled)."""
    if order.status != OrderStatus.PLACED:
        if order.status == OrderStatus.CANCELLED:
            logger.error("payment %s received for cancelled order %s: refund it by hand", payment_id, order.id)
        return False
    holds.sell(cart_id=order.cart_id, order_id=order.id)
    order.payment_id = payment_id
    orders.transition(order, OrderStatus.PAID, also=["payment_id"])
    return True


def settle_paid(*, order_id: uuid.UUID, payment_id: uuid.UUID) -> bool:
    """The checkout's part, in the short transaction that records the succeeded charge: the
    order is paid, its stock sold. Its invoice is issued after commit, off the customer's request,
    by `complete_paid` (subscriber of finance.payment.received), which then publishes
    commercial.order.paid."""
    with joined():
        return _settle(Order.objects.select_for_update().get(pk=order_id), payment_id)


def complete_paid(*, order_id: uuid.UUID, payment_id: uuid.UUID) -> Order:
    """The order's payment was received: its held stock becomes sales, it is paid, invoiced
    (gapless number, issued under the order's row lock) and commercial.order.paid published,
    each exactly once whoever calls first (the payment-received subscriber after a checkout or a
    webhook, a retry of the checkout with its key, the reconcile job)."""
    with joined():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not _settle(order, payment_id) and (order.status == OrderStatus.CANCELLED or order.invoice_number):
            return order  # cancelled, or paid and invoiced already
        order_lines = list(order.lines.all())  # read once: the invoice and the event both need them
        invoice = finance_api.invoice_for_order(order_id=order.id, client_id=order.client_id,
                                                lines=_invoice_lines(order, order_lines))
        order.invoice_number = invoice.number
        order.save(update_fields=["invoice_number"])
        eventbus.publish(OrderPaid(order_id=order.id, client_id=order.client_id, total=order.total,
                                   invoice_number=invoice.number,
                                   lines=[{"variant_id": l.variant_id, "quantity": l.quantity, "label": l.label}
                                          for l in order_lines]))
    return order


def checkout(*, session_id: str, customer_id: uuid.UUID, payment_method: str, idempotency_key: str,
             loyalty_points: int = 0) -> Order:
    """Places the order and charges the card (see the module's docstring). Returns the order;
    `order.card_payment` (finance_api.CardPayment, not stored) tells an unfinished payment's
    status and what the client needs to finish it. `loyalty_points`: points spent as a discount
    (see _redeem_points); given back if the order is cancelled."""
    if not idempotency_key:
        raise InvalidInput(_("An Idempotency-Key header is required."), field="idempotency_key")
    finance_api.require_seller_identity()  # a paid order is invoiced: refuse before charging, not after
    if len(idempotency_key) > 100:
        raise InvalidInput(_("An Idempotency-Key has at most 100 characters."), field="Idempotency-Key")
    fingerprint = _fingerprint(session_id=session_id, payment_method=payment_method, loyalty_points=loyalty_points)
    order = Order.objects.filter(idempotency_key=idempotency_key).first()
    if order is None:
        try:
            order = _place(session_id=session_id, customer_id=customer_id, idempotency_key=idempotency_key,
                           fingerprint=fingerprint, payment_method=payment_method, loyalty_points=loyalty_points)
        except IntegrityError:  # the same key placed concurrently: that order it is
            order = Order.objects.get(idempotency_key=idempotency_key)
    if order.customer_id != customer_id or (order.request_fingerprint and order.request_fingerprint != fingerprint):
        raise IdempotencyKeyReused(_("This Idempotency-Key was used for another checkout."), field="Idempotency-Key")
    if order.status != OrderStatus.PLACED:
        order.card_payment = finance_api.order_payment(order_id=order.id)
        return order  # paid or cancelled already: the retry sees the outcome
    def paid(payment_id: uuid.UUID) -> None:  # in the transaction that records the charge
        if settle_paid(order_id=order.id, payment_id=payment_id):
            order.status, order.payment_id = OrderStatus.PAID, payment_id

    try:
        payment = finance_api.pay_order_by_card(order_id=order.id, client_id=order.client_id, amount=order.total,
                                                payment_method=payment_method, idempotency_key=_payment_key(order),
                                                opened_payment_id=getattr(order, "opened_payment_id", None),
                                                on_succeeded=paid)
    except finance_api.PaymentDeclined as exc:
        cancel_unpaid(order_id=order.id, reason="payment_declined", note=f"payment declined: {exc.message}", reopen_cart=True)
        raise CheckoutDeclined(exc.message, field="payment_method")
    except finance_api.InvalidInput as exc:  # Stripe refused the payment method: nothing was charged
        cancel_unpaid(order_id=order.id, reason="payment_refused", note=f"payment refused: {exc.message}", reopen_cart=True)
        raise
    if payment.status != "succeeded":
        order.refresh_from_db()
    elif getattr(order, "opened_payment_id", None) is None:  # a retry: finish what an earlier call left
        order = complete_paid(order_id=order.id, payment_id=payment.id)
    order.card_payment = payment
    return order


def reconcile_placed(*, now: datetime.datetime) -> dict[str, int]:
    """The beat job: placed orders older than PAYMENT_RECONCILE_AFTER_SECONDS are brought in line
    with the processor: paid (exactly once) when their charge succeeded, cancelled and released
    when it failed, or when it did not complete within PAYMENT_ACTION_TIMEOUT_SECONDS (the
    unfinished intent is cancelled at Stripe first, so no money can arrive afterwards)."""
    settle = now - datetime.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS)
    timeout = now - datetime.timedelta(seconds=settings.PAYMENT_ACTION_TIMEOUT_SECONDS)
    done = {"paid": 0, "cancelled": 0, "pending": 0}
    for order_id, created_at in (Order.objects.filter(status=OrderStatus.PLACED, created_at__lt=settle)
                                 .order_by("created_at").values_list("id", "created_at")[:500]):
        give_up = created_at < timeout
        try:
            payment = finance_api.sync_order_payment(order_id=order_id, give_up=give_up)
        except finance_api.PaymentUnavailable:
            logger.warning("card processor unavailable: placed orders are reconciled at the next run")
            break
        if payment is not None and payment.status == "succeeded":
            complete_paid(order_id=order_id, payment_id=payment.id)
            done["paid"] += 1
        elif (payment is not None and payment.status == "failed") or (payment is None and give_up):
            cancel_unpaid(order_id=order_id, reason="payment_not_completed", note="payment not completed in time")
            done["cancelled"] += 1
        else:
            done["pending"] += 1
    return done
