"""Concurrent deliveries on real connections: the same document recorded by four threads at once
is written once; different documents of the same day add up in one roll-up row without loss."""
import datetime as dt
import uuid
from decimal import Decimal as D

import pytest

from contexts.engagement.reporting import services
from contexts.engagement.reporting.models import DailyDocuments, DailySales, SaleFact
from tests.concurrency import run_concurrently
from tests.factories import catalog as cat

pytestmark = [pytest.mark.committed, pytest.mark.dates]
WHEN = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.timezone.utc)


def _record(ticket_id, variant, shop):
    return services.record_ticket(ticket_id=ticket_id, kind="sale", occurred_at=WHEN, register_id=None,
                                  location_id=shop, customer_id=None, total=D("12.00"), total_net=D("10.00"),
                                  items=[{"variant_id": str(variant.id), "quantity": 1, "total": "12.00"}])


def test_the_same_ticket_delivered_four_times_at_once_is_written_once(committed_tenant):
    variant, shop, ticket = cat.variant(name="Bonnet", price="12.00"), uuid.uuid4(), uuid.uuid4()
    results = run_concurrently(lambda i: _record(ticket, variant, shop), 4, tenant=committed_tenant)
    assert sorted(results, key=str) == [False, False, False, True], results
    assert SaleFact.objects.filter(source_id=ticket).count() == 1
    assert DailySales.objects.get().gross == D("12.00")
    assert DailyDocuments.objects.get().sales == 1


def test_concurrent_tickets_of_one_day_add_up_in_one_rollup_row(committed_tenant):
    variant, shop = cat.variant(name="Bonnet", price="12.00"), uuid.uuid4()
    results = run_concurrently(lambda i: _record(uuid.uuid4(), variant, shop), 6, tenant=committed_tenant)
    assert results == [True] * 6, results
    row = DailySales.objects.get()
    assert (row.gross, row.net, row.lines) == (D("72.00"), D("60.00"), 6)
    assert DailyDocuments.objects.get().sales == 6
