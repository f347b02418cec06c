from __future__ import annotations

import uuid

from django.db import transaction

from contexts.commercial.models import TRANSITIONS, Order, OrderStatus, OrderStatusChange
from crm.rest.errors import DomainError, InvalidInput, NotFound


class IllegalTransition(DomainError):
    code = "illegal_transition"


def transition(order: Order, to: str, *, note: str = "") -> Order:
    """Moves an order along its state machine, keeping the history. Caller holds the row lock."""
    if to not in TRANSITIONS.get(order.status, set()):
        raise IllegalTransition(f"An order {order.status} cannot become {to}.", field="status")
    OrderStatusChange.objects.create(order=order, from_status=order.status, to_status=to, note=note)
    order.status = to
    order.save(update_fields=["status"])
    return order


def set_status(*, order_id: uuid.UUID, status: str, note: str = "") -> Order:
    if status not in OrderStatus.values:
        raise InvalidInput("Unknown status.", field="status")
    if status == OrderStatus.PAID:
        raise InvalidInput("An order becomes paid through its payment, not by hand.", field="status")
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound("No such order.", field="order_id")
        return transition(order, status, note=note)
