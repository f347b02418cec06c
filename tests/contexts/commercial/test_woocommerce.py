"""WooCommerce sync against the fake shop on loopback (tests/fake_woocommerce.py): the first
import creates the right rows once, an increment touches only what changed, failures end the
run with a reason, credentials stay encrypted and unanswered."""
from __future__ import annotations

from decimal import Decimal

import pytest

from contexts.catalog.models import Category, Product, Variant
from contexts.commercial.channels.woocommerce import crypto, gateway, sync
from contexts.commercial.channels.woocommerce.models import WooConnection, WooLink, WooSyncRun
from contexts.commercial.models import Order
from contexts.core.models import Client
from contexts.inventory.models import StockItem
from tests.fake_woocommerce import KEY, SECRET, _fake_woocommerce_server, fake_woocommerce  # noqa: F401

LATER = "2026-02-01T09:30:00"


def connect(url, *, key=KEY, secret=SECRET):
    return sync.connection_save(store_url=url, consumer_key=key, consumer_secret=secret)


def run_once(*, full=False, final=True) -> WooSyncRun:
    run = WooSyncRun.objects.create(trigger="manual", full=full)
    return sync.execute(run_id=run.id, final_attempt=final)


def counts():
    return {"categories": Category.objects.count(), "products": Product.objects.count(), "variants": Variant.objects.count(),
            "clients": Client.objects.count(), "orders": Order.objects.count(), "stock": StockItem.objects.count(),
            "links": WooLink.objects.count()}


def summary(run, kind):
    part = run.report[kind]
    return part["created"], part["updated"], part["unchanged"], len(part["skipped"])


def test_first_import_creates_every_row_once_across_pages(tenant, fake_woocommerce):
    connect(fake_woocommerce.url)
    run = run_once()
    assert run.status == "succeeded", run.error
    assert summary(run, "categories") == (5, 0, 0, 0)
    assert summary(run, "products") == (24, 0, 0, 1)
    assert run.report["products"]["skipped"] == [
        {"id": 124, "reason": "produit de type grouped (seuls les produits simples et variables sont importés)"}]
    assert summary(run, "variations") == (48, 0, 0, 0)  # 12 x 3 sizes + 12 simple products
    assert summary(run, "customers") == (12, 0, 0, 0)
    assert summary(run, "orders") == (15, 0, 0, 0)
    # 3 pages of products (10 a page), each page fetched once, then its variations.
    product_pages = [q for m, p, q in fake_woocommerce.state.requests if p.endswith("/v3/products")]
    assert [q["page"] for q in product_pages] == ["1", "2", "3"]
    assert all("modified_after" not in q for q in product_pages)

    assert counts() == {"categories": 5, "products": 24, "variants": 48, "clients": 15, "orders": 15, "stock": 48,
                        "links": 5 + 24 + 48 + 12 + 3 + 15}
    tshirts = Category.objects.get(name="T-shirts")
    assert tshirts.parent.name == "Vêtements"
    m = Variant.objects.get(sku="ART-00-M")
    assert m.price == Decimal("20.00") and m.attributes == {"Taille": "M"} and m.product.category == tshirts
    assert m.ean13 == fake_woocommerce.state.data["variations"][100][1]["global_unique_id"]
    assert Variant.objects.get(sku="ART-00-L").ean13 is None
    assert Variant.objects.get(sku="ART-03").ean13  # from the _alg_ean meta of a plugin
    assert Variant.objects.filter(sku="WOO-105").exists()  # no SKU in the shop
    assert StockItem.objects.get(variant_id=m.id).on_hand == 7
    order = Order.objects.get(idempotency_key="woocommerce:900")
    assert order.channel == "woo" and order.status == "paid"
    assert order.total == order.subtotal + order.shipping_fee and order.shipping_fee == Decimal("4.90")
    assert order.lines.count() == 2
    assert Client.objects.get(pk=order.client_id).email == "client0@example.fr"
    guest = Order.objects.get(idempotency_key="woocommerce:904")
    assert Client.objects.get(pk=guest.client_id).last_name == "Passant4"
    assert WooConnection.objects.get().synced_until.isoformat().startswith("2026-01-01T10:00:00")

    # Run again: nothing new is created, nothing rewritten.
    again = run_once()
    assert again.status == "succeeded"
    assert counts()["links"] == 5 + 24 + 48 + 12 + 3 + 15
    assert counts()["products"] == 24 and counts()["orders"] == 15 and counts()["clients"] == 15
    assert summary(again, "categories") == (0, 0, 5, 0)
    for kind in ("products", "customers", "orders"):
        assert summary(again, kind)[:2] == (0, 0)


def test_an_increment_asks_modified_after_and_touches_only_what_changed(tenant, fake_woocommerce):
    connect(fake_woocommerce.url)
    assert run_once().status == "succeeded"
    before = counts()
    state = fake_woocommerce.state
    variation_m = state.data["variations"][102][1]["id"]
    state.touch("variation", variation_m, LATER, regular_price="29.50", stock_quantity=2)
    state.touch("customers", 203, LATER, email="nouvelle@example.fr")
    state.touch("orders", 902, LATER, status="completed")
    state.requests.clear()

    run = run_once()
    assert run.status == "succeeded", run.error
    assert run.modified_after.isoformat().startswith("2026-01-01T10:00:00")
    for _m, path, query in state.requests:
        if path.endswith(("/v3/products", "/v3/customers", "/v3/orders")):
            assert query["modified_after"] == "2026-01-01T10:00:00"
    assert summary(run, "products") == (0, 1, 0, 0)
    assert summary(run, "customers") == (0, 1, 0, 0)
    assert summary(run, "orders") == (0, 1, 0, 0)
    assert summary(run, "categories") == (0, 0, 5, 0)  # no modification date: read whole, unchanged
    assert counts() == before

    assert Variant.objects.get(sku="ART-02-M").price == Decimal("29.50")
    assert StockItem.objects.get(variant_id=Variant.objects.get(sku="ART-02-M").id).on_hand == 2
    assert Variant.objects.get(sku="ART-02-S").price == Decimal("22.00")
    assert Client.objects.get(pk=WooLink.objects.get(kind="customer", external_id=203).local_id).email == "nouvelle@example.fr"
    order = Order.objects.get(idempotency_key="woocommerce:902")
    assert order.status == "delivered"
    assert list(order.history.values_list("from_status", "to_status")) == [("", "placed"), ("placed", "delivered")]
    assert WooConnection.objects.get().synced_until.isoformat().startswith("2026-02-01T09:30:00")


def test_an_object_a_rule_refuses_is_skipped_with_its_reason_and_the_rest_imported(tenant, fake_woocommerce):
    from contexts.catalog import api as catalog_api

    # A product of the shop whose variant's barcode another product here already uses.
    code = fake_woocommerce.state.data["variations"][100][0]["global_unique_id"]
    catalog_api.create_product(name="Autre", category_id=catalog_api.create_category(name="Ailleurs"),
                               variants=[{"sku": "OTHER-1", "price": "5", "ean13": code}])
    connect(fake_woocommerce.url)
    run = run_once()
    assert run.status == "succeeded"
    assert {"id": 100, "reason": "variants: Un code-barres est déjà utilisé."} in run.report["products"]["skipped"]
    assert summary(run, "products")[0] == 23
    # Its orders cannot be mapped either: skipped, saying why.
    assert run.report["orders"]["skipped"] == [{"id": 900, "reason": "produit 5000 non importé"},
                                               {"id": 912, "reason": "produit 5000 non importé"}]
    assert summary(run, "orders")[0] == 13


def test_bad_credentials_fail_the_run_with_a_clear_reason(tenant, fake_woocommerce):
    connect(fake_woocommerce.url, secret="cs_wrong")
    run = run_once()
    assert run.status == "failed"
    assert run.error.startswith("WooCommerce a refusé la clé client et le secret (401)")
    assert Product.objects.count() == 0 and run.finished_at is not None


def test_an_unreachable_shop_fails_the_run_on_its_last_attempt_and_asks_a_retry_before(tenant, fake_woocommerce):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    connect(f"http://127.0.0.1:{port}")
    run = WooSyncRun.objects.create()
    with pytest.raises(gateway.WooUnavailable):
        sync.execute(run_id=run.id, final_attempt=False)
    run.refresh_from_db()
    assert run.status == "retrying" and "injoignable" in run.error
    run = sync.execute(run_id=run.id, final_attempt=True)
    assert run.status == "failed" and "injoignable" in run.error and run.attempts == 2


def test_429_is_honoured_with_its_retry_after(tenant, fake_woocommerce, monkeypatch):
    slept = []
    monkeypatch.setattr(gateway, "sleep", slept.append)
    fake_woocommerce.state.too_many = 2
    connect(fake_woocommerce.url)
    run = run_once()
    assert run.status == "succeeded", run.error
    assert slept == [1.0, 1.0]
    assert Product.objects.count() == 24


def test_requests_per_second_are_limited_per_tenant(tenant, fake_woocommerce, settings, monkeypatch):
    settings.WOOCOMMERCE_REQUESTS_PER_SECOND = 2
    slept = []
    monkeypatch.setattr(gateway, "sleep", lambda s: (slept.append(s), __import__("time").sleep(s)))
    client = gateway.WooClient(store_url=fake_woocommerce.url, consumer_key=KEY, consumer_secret=SECRET,
                               tenant="rate-test-tenant")
    for _ in range(5):
        client._send("GET", "/products/categories")
    assert slept, "the third request of a second waits for the next second"


def test_credentials_are_encrypted_at_rest_and_never_answered(staff_api, fake_woocommerce):
    response = staff_api.put("/api/v1/commercial/woocommerce/connection",
                             {"store_url": fake_woocommerce.url, "consumer_key": KEY, "consumer_secret": SECRET}, format="json")
    assert response.status_code == 200, response.content
    assert KEY not in response.content.decode() and SECRET not in response.content.decode()
    assert response.json()["has_credentials"] is True
    conn = WooConnection.objects.get()
    assert SECRET not in conn.consumer_secret_encrypted and KEY not in conn.consumer_key_encrypted
    assert crypto.decrypt(conn.consumer_secret_encrypted) == SECRET
    got = staff_api.get("/api/v1/commercial/woocommerce/connection")
    assert got.status_code == 200 and "consumer_secret" not in got.json() and "consumer_key" not in got.json()
    # An update without the secret keeps the stored one.
    staff_api.put("/api/v1/commercial/woocommerce/connection", {"store_url": fake_woocommerce.url, "push_stock": True},
                  format="json")
    assert crypto.decrypt(WooConnection.objects.get().consumer_secret_encrypted) == SECRET


def test_a_first_connection_without_secret_is_refused_naming_the_field(staff_api, fake_woocommerce):
    response = staff_api.put("/api/v1/commercial/woocommerce/connection",
                             {"store_url": fake_woocommerce.url, "consumer_key": KEY}, format="json")
    assert response.status_code == 400
    assert "consumer_secret" in response.content.decode()
    bad = staff_api.put("/api/v1/commercial/woocommerce/connection", {"store_url": "not a url"}, format="json")
    assert bad.status_code == 400 and "store_url" in bad.content.decode()


def test_post_queues_one_run_at_a_time(staff_api, fake_woocommerce, settings):
    staff_api.put("/api/v1/commercial/woocommerce/connection",
                  {"store_url": fake_woocommerce.url, "consumer_key": KEY, "consumer_secret": SECRET}, format="json")
    first = staff_api.post("/api/v1/commercial/woocommerce/runs", {}, format="json")
    assert first.status_code == 202 and first.json()["status"] == "queued"
    second = staff_api.post("/api/v1/commercial/woocommerce/runs", {}, format="json")
    assert second.status_code == 409
    listed = staff_api.get("/api/v1/commercial/woocommerce/runs")
    assert listed.status_code == 200 and listed.json()["count"] == 1


def test_post_without_a_connection_says_so(staff_api):
    response = staff_api.post("/api/v1/commercial/woocommerce/runs", {}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "woocommerce_not_configured"


def test_stock_changed_here_is_pushed_back_and_both_sides_sales_count_once(tenant, fake_woocommerce):
    from contexts.inventory import api as inventory_api

    conn = connect(fake_woocommerce.url)
    sync.connection_save(store_url=fake_woocommerce.url, push_stock=True)
    assert run_once().status == "succeeded"
    assert fake_woocommerce.state.stock_updates == []  # nothing changed here yet
    conn.refresh_from_db()
    m = Variant.objects.get(sku="ART-00-M")  # 7 in both places
    variation = fake_woocommerce.state.data["variations"][100][1]["id"]

    # Two sold at the till from the shop's location: WooCommerce is told 5.
    inventory_api.set_stock_level(variant_id=m.id, product_id=m.product_id, location_id=conn.location_id, quantity=5,
                                  reference="till")
    run = run_once()
    assert run.report["stock_pushed"] == 1
    assert fake_woocommerce.state.stock_updates == [(f"products/100/variations/{variation}",
                                                     {"manage_stock": True, "stock_quantity": 5})]

    # Then one sold online (WooCommerce 5 -> 4) and two more here (5 -> 3): 2 left on both sides.
    fake_woocommerce.state.touch("variation", variation, LATER, stock_quantity=4)
    inventory_api.set_stock_level(variant_id=m.id, product_id=m.product_id, location_id=conn.location_id, quantity=3,
                                  reference="till")
    fake_woocommerce.state.stock_updates.clear()
    run = run_once()
    assert run.status == "succeeded", run.error
    assert StockItem.objects.get(variant_id=m.id).on_hand == 2
    assert fake_woocommerce.state.stock_updates == [(f"products/100/variations/{variation}",
                                                     {"manage_stock": True, "stock_quantity": 2})]
    # A simple product's stock goes to the product itself.
    simple = Variant.objects.get(sku="ART-01")
    inventory_api.set_stock_level(variant_id=simple.id, product_id=simple.product_id, location_id=conn.location_id,
                                  quantity=1, reference="till")
    fake_woocommerce.state.stock_updates.clear()
    run_once()
    assert fake_woocommerce.state.stock_updates == [("products/101", {"manage_stock": True, "stock_quantity": 1})]


def test_without_push_woocommerce_stock_wins_and_nothing_is_sent(tenant, fake_woocommerce):
    from contexts.inventory import api as inventory_api

    conn = connect(fake_woocommerce.url)
    run_once()
    conn.refresh_from_db()
    m = Variant.objects.get(sku="ART-00-M")
    inventory_api.set_stock_level(variant_id=m.id, product_id=m.product_id, location_id=conn.location_id, quantity=1,
                                  reference="till")
    fake_woocommerce.state.touch("variation", fake_woocommerce.state.data["variations"][100][1]["id"], LATER, stock_quantity=6)
    run_once()
    assert StockItem.objects.get(variant_id=m.id).on_hand == 6
    assert fake_woocommerce.state.stock_updates == []


def test_the_admin_connects_a_shop_without_showing_its_secret_and_runs_a_sync(tenant, fake_woocommerce):
    from django.test import Client as HttpClient

    from tests.factories.core import StaffFactory

    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(is_superuser=True, role="owner"))
    answer = browser.post("/admin/commercial/wooconnection/add/", {
        "store_url": fake_woocommerce.url, "consumer_key": KEY, "consumer_secret": SECRET, "is_active": "on"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    conn = WooConnection.objects.get()
    assert crypto.decrypt(conn.consumer_key_encrypted) == KEY
    page = browser.get(f"/admin/commercial/wooconnection/{conn.pk}/change/")
    assert page.status_code == 200 and SECRET not in page.content.decode() and KEY not in page.content.decode()

    answer = browser.post("/admin/commercial/wooconnection/", {"action": "sync_now", "_selected_action": [str(conn.pk)]})
    assert answer.status_code == 302
    run = WooSyncRun.objects.get()
    assert run.trigger == "admin" and run.status == "queued"
    assert browser.get(f"/admin/commercial/woosyncrun/{run.pk}/change/").status_code == 200
    assert browser.get("/admin/commercial/woosyncrun/").status_code == 200


def test_a_run_left_open_for_hours_does_not_block_the_next_one(tenant, fake_woocommerce):
    import datetime

    from django.utils import timezone

    connect(fake_woocommerce.url)
    stuck = WooSyncRun.objects.create(status="running")
    assert sync.scheduled_run() is None  # under way: nothing queued
    later = timezone.now() + datetime.timedelta(hours=7)
    queued = sync.scheduled_run(now=later)
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "6" in stuck.error
    assert WooSyncRun.objects.get(pk=queued).status == "queued"
