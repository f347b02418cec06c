"""Commercial reads for the views and the api: orders with their lines and history (three
queries whatever the page size), a customer seeing only their own."""
from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from contexts.commercial.models import Cart, Contract, Order
from crm.exports import created_between


def order_list(*, customer_id: uuid.UUID | str | None = None) -> QuerySet[Order]:
    qs = Order.objects.prefetch_related("lines", "history")
    return qs.filter(customer_id=customer_id) if customer_id else qs


def order_detail(*, order_id: uuid.UUID, customer_id: uuid.UUID | str | None = None) -> Order:
    """The order (404 when unknown, or not this customer's)."""
    return get_object_or_404(order_list(customer_id=customer_id), pk=order_id)


def has_contracts() -> bool:
    return Contract.objects.exists()


def carts_created(*, since: datetime.datetime, until: datetime.datetime) -> int:
    """How many carts were opened in [since, until): the denominator of the conversion rate."""
    return Cart.objects.filter(created_at__gte=since, created_at__lt=until).count()


ORDER_EXPORT_FIELDS = ("id", "created_at", "status", "channel", "client_id", "customer_id", "subtotal", "shipping_fee",
                       "total", "coupon", "invoice_number")


def export_orders(*, created_from=None, created_to=None):
    """(header, rows): the orders as CSV rows, streamed from a server-side cursor (crm.exports)."""
    return created_between(Order, ORDER_EXPORT_FIELDS, created_from, created_to)
