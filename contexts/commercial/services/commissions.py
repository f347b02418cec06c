"""Sales agents' commissions: computed when finance reports a payment (scales on collected
amounts) or an invoice (scales on invoiced amounts), reversed in proportion when a credit note
corrects a commissioned invoice, summed in a monthly statement.

Scales work on the agent's volume of the month, excl. VAT:
- progressive: each tranche of volume earns its own tier's rate (like income tax);
- slab: new volume earns the rate of the tier the month's volume has reached.
"""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from contexts.catalog import api as catalog_api
from contexts.commercial.models import (
    AgentAssignment, Commission, CommissionScale, CommissionStatement, CommissionTier, SalesAgent, ScaleBasis, ScaleKind,
)
from contexts.finance import api as finance_api
from crm.money import cents

ZERO = Decimal("0.00")


def agent_create(*, name: str, email: str, client_ids: list[uuid.UUID], kind: str = ScaleKind.PROGRESSIVE,
                 tiers=((Decimal("0"), Decimal("5")),)) -> SalesAgent:
    """A sales agent paid on the collected amounts of these clients, on a scale of (threshold, rate %) tiers."""
    with transaction.atomic():
        agent = SalesAgent.objects.create(name=name, email=email)
        scale = CommissionScale.objects.create(name=f"Barème {name}", kind=kind, basis=ScaleBasis.COLLECTED)
        CommissionTier.objects.bulk_create([CommissionTier(scale=scale, threshold=t, rate=r) for t, r in tiers])
        AgentAssignment.objects.bulk_create([AgentAssignment(agent=agent, client_id=c, scale=scale) for c in client_ids])
    return agent


def _tiers(scale) -> list[tuple[Decimal, Decimal]]:
    return [(t.threshold, t.rate) for t in CommissionTier.objects.filter(scale=scale).order_by("threshold")]


def _cumulative(tiers, volume: Decimal) -> Decimal:
    """Progressive: the commission on a month's volume, tranche by tranche."""
    total = Decimal("0")
    for i, (threshold, rate) in enumerate(tiers):
        upper = tiers[i + 1][0] if i + 1 < len(tiers) else None
        if volume <= threshold:
            break
        portion = (min(volume, upper) if upper is not None else volume) - threshold
        total += portion * rate / Decimal(100)
    return total


def _rate_at(tiers, volume: Decimal) -> Decimal:
    rate = Decimal("0")
    for threshold, r in tiers:
        if volume >= threshold:
            rate = r
    return rate


def commission_for(*, kind: str, tiers, before: Decimal, base: Decimal) -> Decimal:
    if kind == ScaleKind.PROGRESSIVE:
        return cents(_cumulative(tiers, before + base) - _cumulative(tiers, before))
    return cents(base * _rate_at(tiers, before + base) / Decimal(100))


def _base(scale, share: finance_api.InvoiceShare) -> Decimal:
    if not scale.category_id:
        return share.net
    in_scope = catalog_api.category_subtree_ids(category_id=scale.category_id)
    variants = catalog_api.variants_by_ids(ids=[v for v, _ in share.line_nets if v])
    all_net = sum((n for _, n in share.line_nets), Decimal("0"))
    scoped = sum((n for v, n in share.line_nets if v in variants and variants[v].category_id in in_scope), Decimal("0"))
    return cents(share.net * scoped / all_net) if all_net else ZERO


def period_of(moment: datetime.datetime) -> str:
    """The commission month of a business event: the month, in the tenant's time zone, when it
    happened (not when a retried handler ran)."""
    return timezone.localdate(moment).strftime("%Y-%m")


def _record(assignment, *, source: str, source_id, share: finance_api.InvoiceShare, period: str) -> Commission | None:
    scale = assignment.scale
    base = _base(scale, share)
    if base <= 0:
        return None
    with transaction.atomic():
        # One agent's month at a time: concurrent payments cannot both use the same "before".
        locked = type(assignment.agent).objects.select_for_update().get(pk=assignment.agent_id)
        before = Commission.objects.filter(agent=locked, period=period).aggregate(s=Sum("base"))["s"] or ZERO
        amount = commission_for(kind=scale.kind, tiers=_tiers(scale), before=before, base=base)
        try:
            with transaction.atomic():
                return Commission.objects.create(agent=locked, client_id=share.client_id, source=source, source_id=source_id,
                                                 invoice_id=share.invoice_id, base=base, amount=amount, period=period)
        except IntegrityError:
            return None  # this event was counted already


def on_payment_received(*, payment_id: uuid.UUID, client_id: uuid.UUID, occurred_at: datetime.datetime) -> list[Commission]:
    assignment = AgentAssignment.objects.select_related("scale", "agent").filter(client_id=client_id).first()
    if assignment is None or assignment.scale.basis != ScaleBasis.COLLECTED or not assignment.agent.is_active:
        return []
    return [c for share in finance_api.payment_shares(payment_id=payment_id)
            if (c := _record(assignment, source="payment", source_id=payment_id, share=share,
                                period=period_of(occurred_at)))]


def on_invoice_issued(*, invoice_id: uuid.UUID, client_id: uuid.UUID, kind: str, total_net: Decimal, total_gross: Decimal,
                      occurred_at: datetime.datetime, original_invoice_id: uuid.UUID | None = None) -> list[Commission]:
    if kind == "credit_note":
        return [c for c in [clawback(credit_note_id=invoice_id, original_invoice_id=original_invoice_id,
                                     credit_net=total_net, occurred_at=occurred_at)] if c]
    assignment = AgentAssignment.objects.select_related("scale", "agent").filter(client_id=client_id).first()
    if assignment is None or assignment.scale.basis != ScaleBasis.INVOICED:
        return []
    share = finance_api.InvoiceShare(invoice_id=invoice_id, client_id=client_id, net=total_net, gross=total_gross, line_nets=())
    if assignment.scale.category_id:
        return []  # category scales need line detail: they work on collected amounts
    c = _record(assignment, source="invoice", source_id=invoice_id, share=share, period=period_of(occurred_at))
    return [c] if c else []


def clawback(*, credit_note_id: uuid.UUID, original_invoice_id: uuid.UUID | None, credit_net: Decimal,
             occurred_at: datetime.datetime) -> Commission | None:
    """A credit note takes back the commissions of the invoice it corrects, in proportion."""
    if original_invoice_id is None:
        return None
    earned = list(Commission.objects.filter(invoice_id=original_invoice_id, amount__gt=0).select_related("agent"))
    if not earned:
        return None
    base_total = sum((c.base for c in earned), ZERO)
    amount_total = sum((c.amount for c in earned), ZERO)
    share = min(Decimal(credit_net) / base_total, Decimal("1")) if base_total else Decimal("1")
    agent = earned[0].agent
    try:
        with transaction.atomic():
            return Commission.objects.create(agent=agent, client_id=earned[0].client_id, source="credit_note",
                                             source_id=credit_note_id, invoice_id=original_invoice_id,
                                             base=-cents(base_total * share), amount=-cents(amount_total * share),
                                             period=period_of(occurred_at))
    except IntegrityError:
        return None


def monthly_statements(*, period: str) -> int:
    """One statement per agent and month (beat, on the 1st, for the month before)."""
    made = 0
    rows = (Commission.objects.filter(period=period).values("agent_id")
            .annotate(total=Sum("amount"), n=Count("id")))
    for row in rows:
        try:
            with transaction.atomic():
                CommissionStatement.objects.create(agent_id=row["agent_id"], period=period, total=row["total"], lines=row["n"])
                made += 1
        except IntegrityError:
            pass
    return made
