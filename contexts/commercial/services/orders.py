from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction

from contexts.commercial.events import OrderCancelled
from contexts.commercial.models import TRANSITIONS, Order, OrderReturn, OrderStatus, OrderStatusChange
from contexts.finance import api as finance_api
from contexts.inventory import api as inventory_api
from crm import eventbus
from crm.money import PRICE_PLACES, cents, net_of
from crm.rest.errors import DomainError, InvalidInput, NotFound
from django.utils.translation import gettext as _
from crm.transactions import joined


class IllegalTransition(DomainError):
    code = "illegal_transition"


def transition(order: Order, to: str, *, note: str = "", also: list[str] | tuple = ()) -> Order:
    """Moves an order along its state machine, keeping the history. Caller holds the row lock."""
    if to not in TRANSITIONS.get(order.status, set()):
        raise IllegalTransition(_("An order %(status)s cannot become %(to)s.") % {"status": order.status, "to": to}, field="status")
    OrderStatusChange.objects.create(order=order, from_status=order.status, to_status=to, note=note)
    order.status = to
    order.save(update_fields=["status", *also])  # `also`: fields the caller changed, in the same UPDATE
    return order


# The moves a person may ask for by status; the others belong to a service with side effects.
_PLAIN_MOVES = {OrderStatus.PREPARING, OrderStatus.SHIPPED, OrderStatus.DELIVERED}


def set_status(*, order_id: uuid.UUID, status: str, note: str = "") -> Order:
    """A status asked for by staff. Every move goes through the service that does its side
    effects, or is refused naming `status`:
    - preparing, shipped, delivered: plain moves along the state machine (history kept);
    - cancelled: `cancel` (a placed order: its payment voided and its stock released; a paid or
      preparing one: refunded, credited and its stock returned);
    - paid: only through its payment; returned: only through a return (POST .../returns)."""
    if status not in OrderStatus.values:
        raise InvalidInput(_("Unknown status."), field="status")
    if status == OrderStatus.PAID:
        raise InvalidInput(_("An order becomes paid through its payment, not by hand."), field="status")
    if status == OrderStatus.RETURNED:
        raise IllegalTransition(_("An order is returned through a return (POST /orders/{id}/returns), which credits "
                                "and refunds it."), field="status")
    if status == OrderStatus.CANCELLED:
        return cancel(order_id=order_id, note=note)
    assert status in _PLAIN_MOVES
    with joined():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound(_("No such order."), field="order_id")
        return transition(order, status, note=note)


def fulfilment_reached(*, order_id: uuid.UUID, status: str, note: str = "") -> Order | None:
    """Logistics shipped (or delivered) every shipment of the order: the order follows, through
    preparing when it was still paid; once (an order already there or past it stays)."""
    assert status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            return None
        path = {OrderStatus.PAID: [OrderStatus.PREPARING, OrderStatus.SHIPPED], OrderStatus.PREPARING: [OrderStatus.SHIPPED],
                OrderStatus.SHIPPED: []}.get(order.status)
        if path is None:
            return order  # delivered, returned, cancelled: nothing to follow
        for step in (path + [OrderStatus.DELIVERED] if status == OrderStatus.DELIVERED else path):
            transition(order, step, note=note)
    return order


def cancel(*, order_id: uuid.UUID, note: str = "") -> Order:
    """Cancels an order with everything that goes with it. No transaction may be open: the card
    processor is called outside this command's transaction.
    - placed: its unfinished payment is cancelled at Stripe (if it succeeded meanwhile, the
      order is paid first and cancelled as below), its stock released;
    - paid or preparing: one transaction credits the invoice in full, reserves the refund,
      returns the stock and cancels the order; after commit the refund goes to Stripe (one it
      did not take stays pending, and the reconcile job sends it);
    - later states: refused (a shipped order comes back through a return)."""
    from contexts.commercial.services import checkout  # which imports this module

    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No such order."), field="order_id")
    if OrderStatus.CANCELLED not in TRANSITIONS.get(order.status, set()):
        raise IllegalTransition(_("An order %(status)s cannot become cancelled.") % {"status": order.status}, field="status")
    if order.status == OrderStatus.PLACED:
        payment = finance_api.sync_order_payment(order_id=order.id, give_up=True)
        if payment is not None and payment.status == "pending":  # processing at the bank: cannot be stopped
            raise IllegalTransition(_("The card payment is being processed; cancel again once it has ended."), field="status")
        if payment is None or payment.status != "succeeded":
            return checkout.cancel_unpaid(order_id=order.id, reason="cancelled", note=note or "cancelled")
        order = checkout.complete_paid(order_id=order.id, payment_id=payment.id)
    with joined():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in (OrderStatus.PAID, OrderStatus.PREPARING):
            return order  # cancelled meanwhile (a concurrent request did it all)
        if not order.invoice_number:  # paid, its invoice not issued yet by the worker: issued now, then credited
            order = checkout.complete_paid(order_id=order.id, payment_id=order.payment_id)
        number, refund_id = finance_api.credit_and_refund_order(order_id=order.id, lines=None, reason=note or "commande annulée",
                                                                refund_key=f"order-cancel:{order.id}")
        for line in order.lines.all():
            inventory_api.return_to_stock(variant_id=line.variant_id, quantity=line.quantity,
                                          reference=f"cancel:order:{order.id}")
        transition(order, OrderStatus.CANCELLED, note=f"cancelled, credit note {number}{f': {note}' if note else ''}"[:200])
        eventbus.publish(OrderCancelled(order_id=order.id, reason="cancelled"))
    if refund_id is not None:
        finance_api.send_refund(refund_id=refund_id)
    return order


def order_return(*, order_id: uuid.UUID, lines: list[dict], reason: str = "") -> OrderReturn:
    """Returned lines: the stock comes back, a credit note corrects the invoice, the card is
    refunded; the order becomes returned when everything came back. One transaction records it
    all with the refund reserved; Stripe is called after commit (a refund it did not take stays
    pending and the reconcile job sends it)."""
    with joined():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound(_("No such order."), field="order_id")
        if order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            raise IllegalTransition(_("Only a shipped or delivered order can be returned."), field="status")
        if not order.invoice_number:  # its invoice not issued yet by the worker: issued now, then credited
            from contexts.commercial.services import checkout

            order = checkout.complete_paid(order_id=order.id, payment_id=order.payment_id)
        ordered = {str(l.variant_id): l for l in order.lines.all()}
        already: dict[str, int] = {}
        for r in order.returns.all():
            for line in r.lines:
                already[line["variant_id"]] = already.get(line["variant_id"], 0) + int(line["quantity"])
        credit_lines, amount, cleaned = [], Decimal("0.00"), []
        for i, line in enumerate(lines):
            key, qty = str(line.get("variant_id")), int(line.get("quantity", 0))
            source = ordered.get(key)
            if source is None:
                raise InvalidInput(_("This variant is not in the order."), field=f"lines[{i}].variant_id")
            if qty <= 0 or qty + already.get(key, 0) > source.quantity:
                raise InvalidInput(_("More than was ordered (and not yet returned)."), field=f"lines[{i}].quantity")
            gross = cents(source.total / source.quantity * qty)
            net_unit = net_of(source.total, source.vat_rate, quantity=source.quantity, places=PRICE_PLACES)
            credit_lines.append({"label": f"Retour : {source.label}", "quantity": qty, "unit_price_net": net_unit,
                                 "vat_rate": source.vat_rate, "variant_id": source.variant_id})
            amount += gross
            cleaned.append({"variant_id": key, "quantity": qty})
            inventory_api.return_to_stock(variant_id=source.variant_id, quantity=qty, reference=f"return:order:{order.id}")
        return_id = uuid.uuid4()
        number, refund_id = finance_api.credit_and_refund_order(order_id=order.id, lines=credit_lines,
                                                                reason=reason or "retour client", refund_key=f"return:{return_id}")
        ret = OrderReturn.objects.create(id=return_id, order=order, lines=cleaned, amount=amount, reason=reason,
                                         credit_note_number=number)
        returned_all = all(already.get(k, 0) + sum(c["quantity"] for c in cleaned if c["variant_id"] == k) >= l.quantity
                           for k, l in ordered.items())
        if returned_all:
            transition(order, OrderStatus.RETURNED, note=f"returned, credit note {number}")
    if refund_id is not None:
        finance_api.send_refund(refund_id=refund_id)
    return ret
