"""Commands of the reporting read model: record a fact (idempotent: a document's lines are written
once, whatever the number of deliveries), keep the daily roll-ups in step, rebuild everything.

Facts are dated by the event's time (or, in a rebuild, by the source document's own time), in the
tenant's time zone, never by the clock. Money is Decimal rounded to the cent (ROUND_HALF_UP)."""
from __future__ import annotations

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from contexts.catalog import api as catalog_api
from contexts.finance import api as finance_api
from contexts.engagement.reporting.models import (
    Channel, ClientFact, DailyDocuments, DailySales, DailyVariantSales, DocumentFact, InvoiceFact, OrderFact, PaymentFact, SaleFact,
)

CENT = Decimal("0.01")


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _local(moment: datetime.datetime) -> tuple[datetime.date, int]:
    local = timezone.localtime(moment)
    return local.date(), local.hour


def _as_datetime(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(str(value))


# ---------------------------------------------------------------- roll-ups

# Cost and margin: summed over the lines whose cost is known (costed_net is their net, so a
# margin rate is margin / costed_net); a variant's margin stays NULL until it has a cost.
_SALES_SUMS = ("SUM(quantity), SUM(net), SUM(vat), SUM(gross), COUNT(*), COALESCE(SUM(cost), 0), "
               "COALESCE(SUM(margin), 0), COALESCE(SUM(net) FILTER (WHERE cost IS NOT NULL), 0)")
_SALES_COLUMNS = "quantity, net, vat, gross, lines, cost, margin, costed_net"

_ADD_SALES = """
INSERT INTO {table} (day, channel, shop_id, category_id, %s)
SELECT day, channel, shop_id, category_id, %s
FROM {facts} WHERE id = ANY(%%s)
GROUP BY day, channel, shop_id, category_id
ON CONFLICT ON CONSTRAINT reporting_dailysales_key DO UPDATE SET
  quantity = {table}.quantity + EXCLUDED.quantity, net = {table}.net + EXCLUDED.net,
  vat = {table}.vat + EXCLUDED.vat, gross = {table}.gross + EXCLUDED.gross, lines = {table}.lines + EXCLUDED.lines,
  cost = {table}.cost + EXCLUDED.cost, margin = {table}.margin + EXCLUDED.margin,
  costed_net = {table}.costed_net + EXCLUDED.costed_net
""" % (_SALES_COLUMNS, _SALES_SUMS)


_ADD_VARIANT_SALES = """
INSERT INTO {table} (day, variant_id, product_id, quantity, gross, margin)
SELECT day, variant_id, MIN(product_id::text)::uuid, SUM(quantity), SUM(gross), SUM(margin)
FROM {facts} WHERE id = ANY(%s)
GROUP BY day, variant_id
ON CONFLICT ON CONSTRAINT reporting_dailyvariantsales_key DO UPDATE SET
  quantity = {table}.quantity + EXCLUDED.quantity, gross = {table}.gross + EXCLUDED.gross,
  margin = CASE WHEN {table}.margin IS NULL AND EXCLUDED.margin IS NULL THEN NULL
                ELSE COALESCE({table}.margin, 0) + COALESCE(EXCLUDED.margin, 0) END
"""


def _cost(variant, quantity, net: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """(cost, margin) of a line: the variant's unit cost (excl. VAT) times the signed quantity,
    to the cent; the margin is the line's net minus it. (None, None) when no cost is known."""
    if variant is None or variant.cost_price is None:
        return None, None
    cost = _cents(Decimal(variant.cost_price) * Decimal(str(quantity)))
    return cost, net - cost


def _add_to_daily_sales(fact_ids: list[int]) -> None:
    if not fact_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_ADD_SALES.format(table=DailySales._meta.db_table, facts=SaleFact._meta.db_table), [fact_ids])
        cursor.execute(_ADD_VARIANT_SALES.format(table=DailyVariantSales._meta.db_table, facts=SaleFact._meta.db_table),
                       [fact_ids])


def _add_to_daily_documents(doc: DocumentFact) -> None:
    table = DailyDocuments._meta.db_table
    sales, returns = (1, 0) if doc.kind == "sale" else (0, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, channel, shop_id, sales, returns, gross) VALUES (%s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT ON CONSTRAINT reporting_dailydocuments_key DO UPDATE SET sales = {table}.sales + EXCLUDED.sales, "
            f"returns = {table}.returns + EXCLUDED.returns, gross = {table}.gross + EXCLUDED.gross",
            [doc.day, doc.channel, doc.shop_id, sales, returns, doc.gross])


def _record_document(*, source_id: uuid.UUID, kind: str, occurred_at: datetime.datetime, channel: str,
                     shop_id, register_id, client_id, gross: Decimal, lines: list[dict]) -> bool:
    """Writes the document and its lines once; False when they were there already."""
    day, hour = _local(occurred_at)
    with transaction.atomic():
        doc = DocumentFact(source_id=source_id, kind=kind, occurred_at=occurred_at, day=day, channel=channel,
                           shop_id=shop_id, client_id=client_id, gross=gross)
        with connection.cursor() as cursor:
            # A second delivery (or a concurrent one, which waits on the key) inserts nothing.
            cursor.execute(f"INSERT INTO {DocumentFact._meta.db_table} (source_id, kind, occurred_at, day, channel, "
                           f"shop_id, client_id, gross) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                           f"ON CONFLICT (source_id) DO NOTHING RETURNING source_id",
                           [source_id, kind, occurred_at, day, channel, shop_id, client_id, gross])
            if cursor.fetchone() is None:
                return False
        variants = catalog_api.variants_by_ids(ids={l["variant_id"] for l in lines if l.get("variant_id")})
        facts = []
        for n, line in enumerate(lines, start=1):
            v = variants.get(line.get("variant_id"))
            cost, margin = _cost(v, line["quantity"], line["net"])
            facts.append(SaleFact(source_id=source_id, line_no=n, occurred_at=occurred_at, day=day, hour=hour,
                                  channel=channel, shop_id=shop_id, register_id=register_id,
                                  product_id=v.product_id if v else None, variant_id=line.get("variant_id"),
                                  category_id=v.category_id if v else None, client_id=client_id,
                                  quantity=line["quantity"], net=line["net"], vat=line["vat"],
                                  gross=line["net"] + line["vat"], cost=cost, margin=margin))
        SaleFact.objects.bulk_create(facts)
        _add_to_daily_sales([f.id for f in facts])
        _add_to_daily_documents(doc)
    return True


# ---------------------------------------------------------------- facts from finance

def _invoice_lines(inv: finance_api.ReportInvoice, sign: int) -> list[dict]:
    lines = [{"variant_id": l.variant_id, "quantity": sign * l.quantity, "net": sign * l.net, "vat": sign * l.vat}
             for l in inv.lines]
    if lines:  # VAT is rounded per rate on the invoice: the last line takes the difference
        diff = sign * inv.total_vat - sum((l["vat"] for l in lines), Decimal("0"))
        lines[-1]["vat"] += diff
        ndiff = sign * inv.total_net - sum((l["net"] for l in lines), Decimal("0"))
        lines[-1]["net"] += ndiff
    return lines


def record_invoice(*, invoice_id: uuid.UUID, occurred_at: datetime.datetime | None = None) -> bool:
    """An issued invoice (a web order's or a contract's) or credit note: its lines as sold (or
    returned) lines, the invoice as a receivable. Dated by `occurred_at` (the event's time)."""
    inv = finance_api.report_invoice(invoice_id=invoice_id)
    if inv is None:
        return False
    return _record_invoice(inv, occurred_at or inv.issued_at)


def _record_invoice(inv: finance_api.ReportInvoice, occurred_at: datetime.datetime) -> bool:
    channel = Channel.WEB if inv.order_id else Channel.CONTRACT
    credit = inv.kind == "credit_note"
    sign = -1 if credit else 1
    with transaction.atomic():
        InvoiceFact.objects.bulk_create([InvoiceFact(
            invoice_id=inv.id, kind=inv.kind, client_id=inv.client_id, channel=channel,
            issued_on=_local(occurred_at)[0], due_date=inv.due_date, gross=sign * inv.total_gross)], ignore_conflicts=True)
        return _record_document(source_id=inv.id, kind="return" if credit else "sale", occurred_at=occurred_at,
                                channel=channel, shop_id=None, register_id=None, client_id=inv.client_id,
                                gross=sign * inv.total_gross, lines=_invoice_lines(inv, sign))


def record_payment(*, payment_id: uuid.UUID, client_id: uuid.UUID, method: str, amount: Decimal,
                   occurred_at: datetime.datetime, allocations: list[tuple[uuid.UUID, Decimal]] | None = None) -> bool:
    """A received payment, and what it settled on each invoice (asked to finance when not given)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {PaymentFact._meta.db_table} (payment_id, client_id, method, amount, occurred_at, day) "
                           f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id",
                           [payment_id, client_id, method, _cents(amount), occurred_at, _local(occurred_at)[0]])
            if cursor.fetchone() is None:
                return False
        if allocations is None:
            allocations = [(s.invoice_id, s.gross) for s in finance_api.payment_shares(payment_id=payment_id)]
        for invoice_id, settled in allocations:
            InvoiceFact.objects.filter(invoice_id=invoice_id).update(paid=F("paid") + _cents(settled))
    return True


# ---------------------------------------------------------------- facts from pos

def _ticket_lines(items, *, total_net: Decimal | None, sign: int) -> list[dict]:
    variants = catalog_api.variants_by_ids(ids={uuid.UUID(str(i["variant_id"])) for i in items if i.get("variant_id")})
    lines = []
    for item in items:
        vid = uuid.UUID(str(item["variant_id"])) if item.get("variant_id") else None
        gross = sign * abs(_cents(item["total"]))
        rate = variants[vid].vat_rate if vid in variants else Decimal("0")
        net = _cents(gross / (1 + rate / 100))
        lines.append({"variant_id": vid, "quantity": sign * abs(Decimal(str(item["quantity"]))), "net": net,
                      "vat": gross - net})
    if lines and total_net is not None:  # the ticket's own net total is the reference
        diff = sign * abs(_cents(total_net)) - sum((l["net"] for l in lines), Decimal("0"))
        lines[-1]["net"] += diff
        lines[-1]["vat"] -= diff
    return lines


def record_ticket(*, ticket_id: uuid.UUID, kind: str, occurred_at: datetime.datetime, register_id, location_id,
                  customer_id, total: Decimal, total_net: Decimal | None, items) -> bool:
    """A till ticket (kind "sale") or a return/void ticket (kind "return", negative lines)."""
    sign = -1 if kind == "return" else 1
    # The till's "customer" is a CRM client id (pos checks it with core.api.client_summary).
    client_id = uuid.UUID(str(customer_id)) if customer_id else None
    return _record_document(source_id=ticket_id, kind=kind, occurred_at=occurred_at, channel=Channel.TILL,
                            shop_id=location_id, register_id=register_id, client_id=client_id,
                            gross=sign * abs(_cents(total)), lines=_ticket_lines(items, total_net=total_net, sign=sign))


# ---------------------------------------------------------------- orders and clients

def record_order_placed(*, order_id: uuid.UUID, client_id, total: Decimal, occurred_at: datetime.datetime) -> None:
    OrderFact.objects.bulk_create([OrderFact(order_id=order_id, client_id=client_id, total=_cents(total),
                                             day=_local(occurred_at)[0])], ignore_conflicts=True)


def record_order_cancelled(*, order_id: uuid.UUID) -> None:
    OrderFact.objects.filter(order_id=order_id).update(cancelled=True)


def record_client_created(*, client_id: uuid.UUID, occurred_at: datetime.datetime) -> None:
    ClientFact.objects.bulk_create([ClientFact(client_id=client_id, day=_local(occurred_at)[0])], ignore_conflicts=True)


# ---------------------------------------------------------------- rebuild

def recompute_rollups() -> None:
    """Daily roll-ups recomputed from the fact rows (one statement each)."""
    with transaction.atomic(), connection.cursor() as cursor:
        ds, dd = DailySales._meta.db_table, DailyDocuments._meta.db_table
        cursor.execute(f"DELETE FROM {ds}")
        cursor.execute(f"INSERT INTO {ds} (day, channel, shop_id, category_id, {_SALES_COLUMNS}) "
                       f"SELECT day, channel, shop_id, category_id, {_SALES_SUMS} "
                       f"FROM {SaleFact._meta.db_table} GROUP BY day, channel, shop_id, category_id")
        dv = DailyVariantSales._meta.db_table
        cursor.execute(f"DELETE FROM {dv}")
        cursor.execute(f"INSERT INTO {dv} (day, variant_id, product_id, quantity, gross, margin) "
                       f"SELECT day, variant_id, MIN(product_id::text)::uuid, SUM(quantity), SUM(gross), SUM(margin) "
                       f"FROM {SaleFact._meta.db_table} GROUP BY day, variant_id")
        cursor.execute(f"DELETE FROM {dd}")
        cursor.execute(f"INSERT INTO {dd} (day, channel, shop_id, sales, returns, gross) "
                       f"SELECT day, channel, shop_id, COUNT(*) FILTER (WHERE kind = 'sale'), "
                       f"COUNT(*) FILTER (WHERE kind <> 'sale'), SUM(gross) "
                       f"FROM {DocumentFact._meta.db_table} GROUP BY day, channel, shop_id")


def rebuild(*, batch: int = 500) -> dict:
    """Rebuilds the finance-fed facts (web and contract lines, invoices, payments) from finance's
    api, then every roll-up from the facts. Till facts are kept: pos offers no listing yet (they
    come from pos.ticket.* events). Runs in one transaction: readers see the old or the new model."""
    counts = {"invoices": 0, "payments": 0}
    with transaction.atomic():
        SaleFact.objects.exclude(channel=Channel.TILL).delete()
        DocumentFact.objects.exclude(channel=Channel.TILL).delete()
        InvoiceFact.objects.all().delete()
        PaymentFact.objects.all().delete()
        after = None
        while page := finance_api.report_invoices(after_id=after, limit=batch):
            for inv in page:
                _record_invoice(inv, inv.issued_at)
            counts["invoices"] += len(page)
            after = page[-1].id
        after = None
        while page := finance_api.report_payments(after_id=after, limit=batch):
            for p in page:
                record_payment(payment_id=p.id, client_id=p.client_id, method=p.method, amount=p.amount,
                               occurred_at=p.received_at, allocations=list(p.allocations))
            counts["payments"] += len(page)
            after = page[-1].id
        recompute_rollups()
    return counts
