"""Reads of the reporting read model: the dashboard, consolidated sales, product analytics, and
the rows of a custom report. Every figure is a Decimal; periods are inclusive day ranges."""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from contexts.catalog import api as catalog_api
from contexts.commercial import api as commercial_api
from contexts.engagement.reporting.models import (
    Channel, ClientFact, DailyDocuments, DailySales, DailyVariantSales, InvoiceFact, OrderFact, SaleFact,
)
from contexts.inventory import api as inventory_api

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CHANNELS = [c.value for c in Channel]


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def last_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _revenue_by_channel(start: datetime.date, end: datetime.date) -> dict[str, Decimal]:
    out = {c: ZERO for c in CHANNELS}
    for row in (DailySales.objects.filter(day__gte=start, day__lte=end).values("channel")
                .annotate(gross=Sum("gross")).order_by()):
        out[row["channel"]] = _q(row["gross"])
    return out


def _period(start: datetime.date, end: datetime.date) -> dict:
    current = _revenue_by_channel(start, end)
    before = _revenue_by_channel(last_year(start), last_year(end))
    return {"from": start, "to": end, "total": sum(current.values(), ZERO), "by_channel": current,
            "last_year_total": sum(before.values(), ZERO), "last_year_by_channel": before}


def _variant_names(ids) -> dict:
    return {vid: v.name for vid, v in catalog_api.variants_by_ids(ids=[i for i in ids if i]).items()}


def dashboard(*, today: datetime.date) -> dict:
    """The owner's morning figures, all from roll-ups but the top products (one grouped query on
    30 days of facts) and two counts asked to commercial and inventory."""
    d7, d30 = today - datetime.timedelta(days=6), today - datetime.timedelta(days=29)
    docs = {c: {"sales": 0, "returns": 0, "gross": ZERO} for c in CHANNELS}
    for row in (DailyDocuments.objects.filter(day__gte=d30, day__lte=today).values("channel")
                .annotate(sales=Sum("sales"), returns=Sum("returns"), gross=Sum("gross")).order_by()):
        docs[row["channel"]] = {"sales": row["sales"], "returns": row["returns"], "gross": _q(row["gross"])}
    sales_count = sum(d["sales"] for d in docs.values())
    gross_30 = sum((d["gross"] for d in docs.values()), ZERO)
    orders = OrderFact.objects.filter(day__gte=d30, day__lte=today).aggregate(
        placed=Count("order_id"), cancelled=Count("order_id", filter=Q(cancelled=True)))
    tz_start = timezone.make_aware(datetime.datetime.combine(d30, datetime.time.min))
    tz_end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    carts = commercial_api.carts_created(since=tz_start, until=tz_end)
    top = list(DailyVariantSales.objects.filter(day__gte=d30, day__lte=today).values("variant_id")
               .annotate(quantity=Sum("quantity"), gross=Sum("gross")).order_by("-gross")[:10])
    names = _variant_names([t["variant_id"] for t in top])
    open_invoices = InvoiceFact.objects.filter(kind="invoice", gross__gt=F("paid")).aggregate(
        total=Sum(F("gross") - F("paid")), overdue=Sum(F("gross") - F("paid"), filter=Q(due_date__lt=today)),
        n=Count("invoice_id", filter=Q(due_date__lt=today)))
    receivables = open_invoices["total"] or ZERO
    overdue = {"total": open_invoices["overdue"], "n": open_invoices["n"]}
    invoiced_90 = InvoiceFact.objects.filter(issued_on__gt=today - datetime.timedelta(days=90),
                                             issued_on__lte=today).aggregate(t=Sum("gross"))["t"] or ZERO
    dso = (Decimal(receivables) * 90 / invoiced_90).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if invoiced_90 > 0 else None
    return {
        "today": today,
        "revenue": {"today": _period(today, today), "last_7_days": _period(d7, today), "last_30_days": _period(d30, today)},
        "orders": orders["placed"], "orders_cancelled": orders["cancelled"],
        "tickets": docs[Channel.TILL]["sales"], "till_returns": docs[Channel.TILL]["returns"],
        "documents_by_channel": docs,
        "average_basket": _q(gross_30 / sales_count) if sales_count else ZERO,
        "carts": carts, "conversion_rate": _q(Decimal(orders["placed"]) * 100 / carts) if carts else None,
        "top_products": [{"variant_id": t["variant_id"], "name": names.get(t["variant_id"], ""),
                          "quantity": t["quantity"], "gross": _q(t["gross"])} for t in top],
        "low_stock_alerts": inventory_api.open_low_stock_alerts(),
        "receivables": _q(receivables), "overdue_receivables": _q(overdue["total"]), "overdue_invoices": overdue["n"],
        "dso_days": dso,
        "margin_30_days": _margin(DailySales.objects.filter(day__gte=d30, day__lte=today).aggregate(
            cost=Sum("cost"), margin=Sum("margin"), costed_net=Sum("costed_net"))),
        "new_clients_7_days": ClientFact.objects.filter(day__gte=d7, day__lte=today).count(),
        "new_clients_30_days": ClientFact.objects.filter(day__gte=d30, day__lte=today).count(),
    }


GROUPS = {"day": None, "week": TruncWeek, "month": TruncMonth}
DIMENSIONS = {"shop": "shop_id", "channel": "channel", "category": "category_id"}


def _margin(r) -> dict:
    """Cost and margin of the lines whose cost is known, and the margin rate on their net."""
    costed = r.get("costed_net") or ZERO
    return {"cost": _q(r.get("cost")), "margin": _q(r.get("margin")),
            "margin_rate": _q(Decimal(r["margin"]) * 100 / costed) if costed else None}


def consolidated(*, date_from: datetime.date, date_to: datetime.date, period: str = "day", by: str = "channel") -> dict:
    """Till, web and contract sales together, by period (day, week, month) and one dimension."""
    dim = DIMENSIONS[by]
    qs = DailySales.objects.filter(day__gte=date_from, day__lte=date_to)
    qs = qs.annotate(period=GROUPS[period]("day")) if GROUPS[period] else qs.annotate(period=F("day"))
    rows = list(qs.values("period", dim).annotate(quantity=Sum("quantity"), net=Sum("net"), vat=Sum("vat"),
                                                  gross=Sum("gross"), cost=Sum("cost"), margin=Sum("margin"),
                                                  costed_net=Sum("costed_net")).order_by("period", dim))
    out = [{"period": r["period"], by: r[dim], "quantity": r["quantity"], "net": _q(r["net"]), "vat": _q(r["vat"]),
            "gross": _q(r["gross"]), **_margin(r)} for r in rows]
    totals = {k: _q(sum((r[k] for r in out), ZERO)) for k in ("net", "vat", "gross")}
    totals.update(_margin({k: sum((r[k] for r in rows), ZERO) for k in ("cost", "margin", "costed_net")}))
    totals["quantity"] = sum((r["quantity"] for r in out), Decimal("0"))
    return {"from": date_from, "to": date_to, "period": period, "by": by, "rows": out, "totals": totals}


def products_analytics(*, date_from: datetime.date, date_to: datetime.date, limit: int = 10) -> dict:
    """Sales by category, top and bottom sellers with their trend against the previous period of
    the same length, stock cover (days of stock at the period's rate) and dead stock."""
    days = (date_to - date_from).days + 1
    prev_to = date_from - datetime.timedelta(days=1)
    prev_from = prev_to - datetime.timedelta(days=days - 1)
    by_category = [{"category_id": r["category_id"], "quantity": r["quantity"], "gross": _q(r["gross"]), "net": _q(r["net"]),
                    **_margin(r)}
                   for r in DailySales.objects.filter(day__gte=date_from, day__lte=date_to).values("category_id")
                   .annotate(quantity=Sum("quantity"), gross=Sum("gross"), net=Sum("net"), cost=Sum("cost"),
                             margin=Sum("margin"), costed_net=Sum("costed_net")).order_by("-gross")]
    per_variant = {r["variant_id"]: r for r in DailyVariantSales.objects.filter(day__gte=date_from, day__lte=date_to,
                                                                                variant_id__isnull=False)
                   .values("variant_id", "product_id").annotate(quantity=Sum("quantity"), gross=Sum("gross"),
                                                                margin=Sum("margin")).order_by()}
    ranked = sorted(per_variant.values(), key=lambda r: (-r["gross"], str(r["variant_id"])))
    chosen = ranked[:limit] + [r for r in ranked[::-1][:limit] if r not in ranked[:limit]]
    ids = [r["variant_id"] for r in chosen]
    before = {r["variant_id"]: r["gross"] for r in DailyVariantSales.objects.filter(day__gte=prev_from, day__lte=prev_to,
                                                                                    variant_id__in=ids)
              .values("variant_id").annotate(gross=Sum("gross")).order_by()}
    stock = inventory_api.availability(variant_ids=ids) if ids else {}
    names = _variant_names(ids)

    def row(r):
        prev = _q(before.get(r["variant_id"]))
        on_hand = stock[r["variant_id"]].on_hand if r["variant_id"] in stock else 0
        rate = Decimal(r["quantity"]) / days
        return {"variant_id": r["variant_id"], "product_id": r["product_id"], "name": names.get(r["variant_id"], ""),
                "quantity": r["quantity"], "gross": _q(r["gross"]), "previous_gross": prev,
                "margin": _q(r["margin"]) if r["margin"] is not None else None,
                "trend_percent": _q((r["gross"] - prev) * 100 / prev) if prev else None,
                "on_hand": on_hand, "stock_cover_days": _q(on_hand / rate) if rate > 0 else None}

    top = [row(r) for r in ranked[:limit]]
    bottom = [row(r) for r in ranked[::-1][:limit]]
    sold_products = {r["product_id"] for r in per_variant.values() if r["quantity"] > 0}
    dead = sorted(str(p) for p in inventory_api.products_in_stock() - sold_products)
    return {"from": date_from, "to": date_to, "previous_from": prev_from, "previous_to": prev_to,
            "by_category": by_category, "top_sellers": top, "bottom_sellers": bottom, "dead_stock_product_ids": dead}


# ---------------------------------------------------------------- custom reports

REPORT_DIMENSIONS = {"day": "day", "channel": "channel", "shop": "shop_id", "register": "register_id",
                     "category": "category_id", "product": "product_id", "variant": "variant_id", "client": "client_id"}
REPORT_MEASURES = {"quantity": Sum("quantity"), "net": Sum("net"), "vat": Sum("vat"), "gross": Sum("gross"),
                   "lines": Count("id"), "cost": Sum("cost"), "margin": Sum("margin")}
REPORT_FILTERS = {"channel": "channel", "shop": "shop_id", "category": "category_id", "client": "client_id",
                  "product": "product_id"}


def report_rows(*, dimensions: list[str], measures: list[str], filters: dict, date_from: datetime.date,
                date_to: datetime.date) -> tuple[list[str], list[list]]:
    """Header and rows of a custom report over the sold lines (grouped, then ordered by the dimensions)."""
    qs = SaleFact.objects.filter(day__gte=date_from, day__lte=date_to)
    for key, value in filters.items():
        qs = qs.filter(**{f"{REPORT_FILTERS[key]}__in": value if isinstance(value, list) else [value]})
    cols = [REPORT_DIMENSIONS[d] for d in dimensions]
    rows = qs.values(*cols).annotate(**{m: REPORT_MEASURES[m] for m in measures}).order_by(*cols)
    money = ("net", "vat", "gross", "cost", "margin")  # cost and margin stay empty where no cost is known
    body = [[r[c] for c in cols] + [(_q(r[m]) if m in money and r[m] is not None else r[m]) for m in measures] for r in rows]
    return dimensions + measures, body


def receivables(*, today: datetime.date) -> dict:
    """Open invoices by age of their due date (not due, 1-30, 31-60, 61-90, over 90 days)."""
    buckets = {"not_due": ZERO, "1_30": ZERO, "31_60": ZERO, "61_90": ZERO, "over_90": ZERO}
    for due, balance in (InvoiceFact.objects.filter(kind="invoice", gross__gt=F("paid"))
                         .annotate(balance=F("gross") - F("paid")).values_list("due_date", "balance")):
        late = (today - due).days if due else 0
        key = ("not_due" if late <= 0 else "1_30" if late <= 30 else "31_60" if late <= 60
               else "61_90" if late <= 90 else "over_90")
        buckets[key] += balance
    return {"today": today, "ageing": {k: _q(v) for k, v in buckets.items()}, "total": _q(sum(buckets.values(), ZERO))}


def revenue_by_day(*, date_from: datetime.date, date_to: datetime.date) -> list[dict]:
    rows = (DailySales.objects.filter(day__gte=date_from, day__lte=date_to).values("day", "channel")
            .annotate(gross=Coalesce(Sum("gross"), ZERO)).order_by("day"))
    return [{"day": r["day"], "channel": r["channel"], "gross": _q(r["gross"])} for r in rows]
