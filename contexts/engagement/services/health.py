"""The client health score, 0 to 100: 100 minus penalties for late invoices, rejected payments
(the disputes we know of), recency, frequency and amount of purchases. The reasons are the
factors, heaviest first; the admin shows the three that weigh most.

Recomputed on each event about the client (as of the event's day) and nightly for every client
(as of `today`), so an invoice that falls due unpaid lowers the score the next night."""
from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum

from contexts.engagement.models import ClientHealth, ClientInvoice, TimelineEntry

PURCHASE_KINDS = ("order_paid", "ticket_completed", "ticket_returned")
WINDOW_DAYS = 365
DISPUTE_DAYS = 90


def _reasons(*, overdue_count: int, overdue_days: int, rejected: int, last_purchase: datetime.date | None,
             purchases: int, spent: Decimal, today: datetime.date) -> list[dict]:
    reasons = []
    if overdue_count:
        reasons.append({"code": "overdue_invoices", "impact": -min(40, 15 * overdue_count + overdue_days // 5),
                        "label": f"{overdue_count} facture(s) en retard, la plus ancienne de {overdue_days} jour(s)"})
    else:
        reasons.append({"code": "overdue_invoices", "impact": 0, "label": "Aucune facture en retard"})
    if rejected:
        reasons.append({"code": "rejected_payments", "impact": -min(20, 10 * rejected),
                        "label": f"{rejected} paiement(s) rejeté(s) en {DISPUTE_DAYS} jours"})
    else:
        reasons.append({"code": "rejected_payments", "impact": 0, "label": "Aucun paiement rejeté récemment"})
    if last_purchase is None:
        reasons.append({"code": "recency", "impact": -20, "label": "Aucun achat"})
    else:
        days = (today - last_purchase).days
        impact = -20 if days > 180 else -10 if days > 90 else -5 if days > 30 else 0
        reasons.append({"code": "recency", "impact": impact, "label": f"Dernier achat il y a {max(days, 0)} jour(s)"})
    impact = -15 if purchases == 0 else -10 if purchases == 1 else -5 if purchases < 5 else 0
    reasons.append({"code": "frequency", "impact": impact, "label": f"{purchases} achat(s) sur 12 mois"})
    impact = -10 if spent < 100 else -5 if spent < 500 else 0
    reasons.append({"code": "amount", "impact": impact, "label": f"{spent:.2f} € dépensés sur 12 mois"})
    reasons.sort(key=lambda r: r["impact"])
    return reasons


def _compute(client_ids: list[uuid.UUID] | None, today: datetime.date, also=()) -> dict[uuid.UUID, tuple[int, list[dict]]]:
    """Three grouped queries whatever the number of clients."""
    since = today - datetime.timedelta(days=WINDOW_DAYS)
    entries = TimelineEntry.objects.all()
    invoices = ClientInvoice.objects.all()
    if client_ids is not None:
        entries, invoices = entries.filter(client_id__in=client_ids), invoices.filter(client_id__in=client_ids)
    stats: dict[uuid.UUID, dict] = defaultdict(lambda: {"purchases": 0, "spent": Decimal(0), "last": None, "rejected": 0,
                                                        "overdue": 0, "oldest_due": None})
    for row in (entries.filter(kind__in=PURCHASE_KINDS, occurred_at__date__lte=today).values("client_id")
                .annotate(last=Max("occurred_at"),
                          n=Count("id", filter=Q(occurred_at__date__gt=since) & ~Q(kind="ticket_returned")),
                          spent=Sum("amount", filter=Q(occurred_at__date__gt=since)))):
        s = stats[row["client_id"]]
        s.update(purchases=row["n"], spent=row["spent"] or Decimal(0), last=row["last"].date())
    for row in (entries.filter(kind="payment_rejected", occurred_at__date__gt=today - datetime.timedelta(days=DISPUTE_DAYS),
                               occurred_at__date__lte=today).values("client_id").annotate(n=Count("id"))):
        stats[row["client_id"]]["rejected"] = row["n"]
    for row in (invoices.filter(paid_at__isnull=True, due_date__lt=today).values("client_id")
                .annotate(n=Count("invoice_id"), oldest=Min("due_date"))):
        stats[row["client_id"]].update(overdue=row["n"], oldest_due=row["oldest"])
    for cid in [*(client_ids or []), *also]:
        stats[cid]  # noqa: B018  (a client with nothing yet still gets a score)
    result = {}
    for cid, s in stats.items():
        reasons = _reasons(overdue_count=s["overdue"], overdue_days=(today - s["oldest_due"]).days if s["oldest_due"] else 0,
                           rejected=s["rejected"], last_purchase=s["last"], purchases=s["purchases"], spent=s["spent"], today=today)
        result[cid] = (max(0, min(100, 100 + sum(r["impact"] for r in reasons))), reasons)
    return result


def _store(scores: dict, today: datetime.date) -> None:
    ClientHealth.objects.bulk_create(
        [ClientHealth(client_id=cid, score=score, reasons=reasons, computed_on=today) for cid, (score, reasons) in scores.items()],
        update_conflicts=True, unique_fields=["client_id"], update_fields=["score", "reasons", "computed_on"], batch_size=1000,
    )


def recompute(*, client_id: uuid.UUID, today: datetime.date) -> ClientHealth:
    with transaction.atomic():
        _store(_compute([client_id], today), today)
    return ClientHealth.objects.get(pk=client_id)


def recompute_all(*, today: datetime.date) -> int:
    """The nightly job: every client engagement knows of."""
    ids = set(TimelineEntry.objects.values_list("client_id", flat=True).distinct())
    ids |= set(ClientInvoice.objects.values_list("client_id", flat=True).distinct())
    with transaction.atomic():
        scores = _compute(None, today, also=ids)
        _store(scores, today)
    return len(scores)
