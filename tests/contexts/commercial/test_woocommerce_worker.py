"""The WooCommerce sync in a real Celery worker: the beat job of a tenant queues a run, the
worker imports the fake shop (HTTP with no transaction open) and records the report; a second
job after a change in the shop updates only that."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from contexts.catalog.models import Product, Variant
from contexts.commercial.channels.woocommerce import sync, tasks
from contexts.commercial.channels.woocommerce.models import WooSyncRun
from contexts.commercial.models import Order
from tests.fake_woocommerce import KEY, SECRET, _fake_woocommerce_server, fake_woocommerce  # noqa: F401
from tests.worker import wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]


def _finished(trigger: str, n: int):
    runs = list(WooSyncRun.objects.filter(trigger=trigger, status__in=["succeeded", "failed"]).order_by("created_at"))
    return runs if len(runs) >= n else None


def test_the_beat_job_syncs_the_shop_in_a_real_worker(celery_worker, committed_tenant, fake_woocommerce):
    with transaction.atomic():
        sync.connection_save(store_url=fake_woocommerce.url, consumer_key=KEY, consumer_secret=SECRET)
    headers = {"_schema_name": committed_tenant.schema_name}

    assert tasks.scheduled_sync.apply_async(headers=headers).get(timeout=60)  # queued a run
    first = wait_until(lambda: _finished("beat", 1), timeout=120, message="the first run")[0]
    assert first.status == "succeeded", first.error
    assert first.report["products"]["created"] == 24 and first.report["orders"]["created"] == 15
    assert Product.objects.count() == 24 and Variant.objects.count() == 48 and Order.objects.count() == 15

    fake_woocommerce.state.touch("variation", fake_woocommerce.state.data["variations"][104][0]["id"],
                                 "2026-03-01T08:00:00", regular_price="31.00")
    assert tasks.scheduled_sync.apply_async(headers=headers).get(timeout=60)
    second = wait_until(lambda: _finished("beat", 2), timeout=120, message="the second run")[1]
    assert second.status == "succeeded", second.error
    assert second.report["products"]["updated"] == 1 and second.report["products"]["created"] == 0
    assert second.report["customers"] == {"created": 0, "updated": 0, "unchanged": 0, "skipped": []}
    assert Variant.objects.get(sku="ART-04-S").price == Decimal("31.00")
    assert Product.objects.count() == 24


@pytest.mark.committed
def test_no_request_to_the_shop_leaves_with_a_transaction_open(committed_tenant, fake_woocommerce, monkeypatch):
    """Real commits (pytest's wrapping transaction would hide it): every HTTP request of the
    gateway is probed; pages are applied between requests, in transactions of their own."""
    import requests
    from django.db import connection

    from contexts.commercial.channels.woocommerce import gateway

    seen = []
    real = requests.request

    def probe(method, url, **kwargs):
        seen.append((url.rsplit("/v3", 1)[-1], connection.in_atomic_block))
        return real(method, url, **kwargs)

    monkeypatch.setattr(gateway.requests, "request", probe)
    with transaction.atomic():
        sync.connection_save(store_url=fake_woocommerce.url, consumer_key=KEY, consumer_secret=SECRET)
    run = WooSyncRun.objects.create()
    assert sync.execute(run_id=run.id).status == "succeeded"
    assert len(seen) > 15
    assert [s for s in seen if s[1]] == []
    assert Product.objects.count() == 24
