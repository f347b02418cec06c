"""Commercial's part of a GDPR request (core orchestrates, through crm.hooks): the person's carts,
orders (with lines, status history, returns) and contracts. On erasure the orders are kept (they
carry no name: the client is a reference to core's pseudonymised record; their amounts back the
invoices), free texts are pseudonymised, the signatory's name of a contract too."""
from __future__ import annotations

from django.db.models import Q

from contexts.commercial.models import Cart, CartItem, Contract, ContractLine, Order, OrderLine, OrderReturn, OrderStatusChange
from crm.gdpr import Subject, erase_rows, rows


def _orders(subject: Subject):
    return Order.objects.filter(Q(client_id__in=subject.client_ids) | Q(customer_id__in=subject.customer_ids))


def export(*, subject: Subject) -> dict[str, list[dict]]:
    orders = _orders(subject)
    carts = Cart.objects.filter(customer_id__in=subject.customer_ids)
    contracts = Contract.objects.filter(client_id__in=subject.client_ids)
    return {
        "orders": rows(orders.order_by("created_at"), exclude=["request_fingerprint"]),
        "order_lines": rows(OrderLine.objects.filter(order__in=orders).order_by("order_id", "pk")),
        "order_history": rows(OrderStatusChange.objects.filter(order__in=orders).order_by("at")),
        "order_returns": rows(OrderReturn.objects.filter(order__in=orders).order_by("created_at")),
        "carts": rows(carts.order_by("created_at")),
        "cart_items": rows(CartItem.objects.filter(cart__in=carts)),
        "contracts": rows(contracts.order_by("created_at")),
        "contract_lines": rows(ContractLine.objects.filter(contract__in=contracts)),
    }


def erase(*, subject: Subject) -> dict:
    orders = _orders(subject)
    ids = erase_rows(orders, subject=subject, scrub=["coupon"])
    ids += erase_rows(OrderStatusChange.objects.filter(order__in=orders), subject=subject, scrub=["note"])
    ids += erase_rows(OrderReturn.objects.filter(order__in=orders), subject=subject, scrub=["reason"])
    ids += erase_rows(Cart.objects.filter(customer_id__in=subject.customer_ids), subject=subject,
                      values={"session_id": subject.pseudonym})
    contracts = Contract.objects.filter(client_id__in=subject.client_ids)
    erase_rows(contracts.filter(signed_by__gt=""), subject=subject, values={"signed_by": subject.pseudonym})
    contracts = erase_rows(contracts, subject=subject, scrub=["title"])
    return {"counts": {"orders": orders.count(), "contracts": len(contracts)}, "object_ids": ids + contracts}
