"""The published interface of commercial: the only module other contexts may import (with events.py).

Functions take keyword arguments and return plain values or frozen dataclasses."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal


def create_agent_with_scale(*, name: str, email: str, client_ids: list[uuid.UUID], kind: str = "progressive",
                            tiers: list[tuple[Decimal, Decimal]] = ((Decimal("0"), Decimal("5")),)) -> uuid.UUID:
    """A sales agent paid on collected amounts of these clients, with a scale of (threshold, rate %) tiers."""
    from django.db import transaction

    from contexts.commercial.models import AgentAssignment, CommissionScale, CommissionTier, SalesAgent

    with transaction.atomic():
        agent = SalesAgent.objects.create(name=name, email=email)
        scale = CommissionScale.objects.create(name=f"Barème {name}", kind=kind, basis="collected")
        CommissionTier.objects.bulk_create([CommissionTier(scale=scale, threshold=t, rate=r) for t, r in tiers])
        AgentAssignment.objects.bulk_create([AgentAssignment(agent=agent, client_id=c, scale=scale) for c in client_ids])
    return agent.id


def create_signed_contract(*, client_id: uuid.UUID, title: str, start_date: datetime.date, end_date: datetime.date,
                           lines: list[dict], signed_by: str, agent_id: uuid.UUID | None = None) -> uuid.UUID:
    from contexts.commercial.services import contracts

    contract = contracts.contract_create(client_id=client_id, title=title, start_date=start_date, end_date=end_date,
                                         lines=lines, agent_id=agent_id)
    contracts.contract_sign(contract_id=contract.id, signed_by=signed_by)
    return contract.id


def bill_contracts(*, today: datetime.date) -> int:
    """Invoices the signed contracts whose period starts this month (what the daily job does)."""
    from contexts.commercial.services import contracts

    return contracts.bill_period(today=today)


def has_contracts() -> bool:
    from contexts.commercial.models import Contract

    return Contract.objects.exists()


ORDER_EXPORT_FIELDS = ("id", "created_at", "status", "channel", "client_id", "customer_id", "subtotal", "shipping_fee",
                       "total", "coupon", "invoice_number")


def export_orders(*, created_from=None, created_to=None):
    """(header, rows): the orders as CSV rows, streamed from a server-side cursor (crm.exports)."""
    from contexts.commercial.models import Order
    from crm.exports import rows_of

    qs = Order.objects.order_by("created_at", "id")
    if created_from:
        qs = qs.filter(created_at__date__gte=created_from)
    if created_to:
        qs = qs.filter(created_at__date__lte=created_to)
    return list(ORDER_EXPORT_FIELDS), rows_of(qs, ORDER_EXPORT_FIELDS)
