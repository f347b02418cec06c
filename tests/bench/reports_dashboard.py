"""Benchmark: the reports API's selectors on 1,000,000 sold-line facts in one tenant.

    .venv/bin/python tests/bench/reports_dashboard.py [--facts 1000000] [--runs 30]

Creates (once) a tenant schema "bench" in the development database (DATABASE_URL), fills its
read model with SQL (generate_series: two years of web, till and contract lines over 2,000
variants, 40 categories and 6 shops; documents, invoices, orders and clients to match), builds
the daily roll-ups from the facts (the rebuild's own statement), then times the dashboard,
consolidated sales and product analytics through the selectors the API calls (p50/p95).
Re-runnable: the data is kept. Not a test: figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from contexts.core.tenancy.models import Organisation  # noqa: E402
from contexts.core.tenancy.services import provision_tenant  # noqa: E402
from contexts.engagement.reporting import selectors, services  # noqa: E402
from contexts.engagement.reporting.models import SaleFact  # noqa: E402

TODAY = datetime.date(2026, 11, 20)
DAYS = 730

FILL = """
INSERT INTO engagement_salefact (source_id, line_no, occurred_at, day, hour, channel, shop_id, register_id,
    product_id, variant_id, category_id, client_id, quantity, net, vat, gross)
SELECT md5('doc' || (g / 3))::uuid, g %% 3 + 1,
       (%(start)s::date + ((g / 3) %% %(days)s)::int) + make_interval(hours => (8 + (g / 3) %% 12)::int),
       %(start)s::date + ((g / 3) %% %(days)s)::int, 8 + (g / 3) %% 12,
       (ARRAY['till', 'till', 'web', 'contract'])[1 + (g / 3) %% 4],
       CASE WHEN (g / 3) %% 4 < 2 THEN md5('shop' || (g %% 6))::uuid END,
       CASE WHEN (g / 3) %% 4 < 2 THEN md5('reg' || (g %% 12))::uuid END,
       md5('product' || (g * 7919 %% 2000 / 5))::uuid, md5('variant' || (g * 7919 %% 2000))::uuid,
       md5('category' || (g * 7919 %% 2000 %% 40))::uuid, md5('client' || (g / 3 %% 20000))::uuid,
       1 + g %% 3, n.net, round(n.net * 0.2, 2), n.net + round(n.net * 0.2, 2)
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g, LATERAL (SELECT round((5 + (g * 37 %% 9500) / 100.0)::numeric, 2) AS net) n
"""
DOCS = """
INSERT INTO engagement_documentfact (source_id, kind, occurred_at, day, channel, shop_id, client_id, gross)
SELECT source_id, CASE WHEN SUM(gross) >= 0 THEN 'sale' ELSE 'return' END, MIN(occurred_at), MIN(day), MIN(channel),
       (array_agg(shop_id))[1], (array_agg(client_id))[1], SUM(gross)
FROM engagement_salefact GROUP BY source_id ON CONFLICT DO NOTHING
"""
INVOICES = """
INSERT INTO engagement_invoicefact (invoice_id, kind, client_id, channel, issued_on, due_date, gross, paid)
SELECT source_id, 'invoice', client_id, channel, day, day + 30, gross,
       CASE WHEN day < %(today)s::date - 60 THEN gross ELSE 0 END
FROM engagement_documentfact WHERE channel <> 'till' ON CONFLICT DO NOTHING
"""
ORDERS = """
INSERT INTO engagement_orderfact (order_id, client_id, total, day, cancelled)
SELECT source_id, client_id, gross, day, false FROM engagement_documentfact WHERE channel = 'web' ON CONFLICT DO NOTHING
"""
CLIENTS = """
INSERT INTO engagement_clientfact (client_id, day)
SELECT md5('client' || c)::uuid, %(start)s::date + c %% %(days)s FROM generate_series(0, 19999) c ON CONFLICT DO NOTHING
"""


def fill(target: int) -> None:
    have = SaleFact.objects.count()
    if have >= target:
        print(f"{have} facts already there")
        return
    start = TODAY - datetime.timedelta(days=DAYS - 1)
    t0 = time.perf_counter()
    step = 250_000
    with connection.cursor() as cursor:
        for first in range(have, target, step):
            last = min(first + step, target) - 1
            with transaction.atomic():
                cursor.execute(FILL, {"start": start, "days": DAYS, "first": first, "last": last})
            print(f"  {last + 1} facts ({time.perf_counter() - t0:.0f} s)", flush=True)
        for sql in (DOCS, INVOICES, ORDERS, CLIENTS):
            cursor.execute(sql, {"start": start, "days": DAYS, "today": TODAY})
    services.recompute_rollups()
    print(f"filled in {time.perf_counter() - t0:.0f} s")


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm
    timings = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    provision_tenant(schema_name="bench", name="Bench SARL", verbosity=0)
    with tenant_context(Organisation.objects.get(schema_name="bench")):
        fill(args.facts)
        with connection.cursor() as cursor:  # what autovacuum does after a bulk load: statistics and the
            cursor.execute("VACUUM ANALYZE")  # visibility map that index-only scans need
        with connection.cursor() as cursor:
            cursor.execute("SELECT (SELECT COUNT(*) FROM engagement_salefact), (SELECT COUNT(*) FROM engagement_dailysales), "
                           "(SELECT COUNT(*) FROM engagement_documentfact)")
            facts, rollups, docs = cursor.fetchone()
        print(f"\n{facts} sold lines, {docs} documents, {rollups} roll-up rows; {args.runs} runs each (ms)")
        cases = [
            ("dashboard", lambda: selectors.dashboard(today=TODAY)),
            ("consolidated, 1 year by month and category",
             lambda: selectors.consolidated(date_from=TODAY - datetime.timedelta(days=364), date_to=TODAY,
                                            period="month", by="category")),
            ("consolidated, 30 days by day and shop",
             lambda: selectors.consolidated(date_from=TODAY - datetime.timedelta(days=29), date_to=TODAY,
                                            period="day", by="shop")),
            ("product analytics, 30 days",
             lambda: selectors.products_analytics(date_from=TODAY - datetime.timedelta(days=29), date_to=TODAY)),
            ("product analytics, 1 year",
             lambda: selectors.products_analytics(date_from=TODAY - datetime.timedelta(days=364), date_to=TODAY)),
        ]
        print(f"{'case':<46}{'p50':>8}{'p95':>8}")
        for name, fn in cases:
            p50, p95 = timed(fn, args.runs)
            print(f"{name:<46}{p50:>8.1f}{p95:>8.1f}")


if __name__ == "__main__":
    main()
