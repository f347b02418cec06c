import datetime
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from contexts.inventory import api as inventory_api
from contexts.inventory import selectors
from contexts.inventory.services import reservations, stock, transfers
from contexts.inventory.models import Reservation, StockAlert, StockItem, StockMovement
from crm.models import OutboxEvent
from crm.rest.errors import InvalidInput
from tests.factories import inventory as f
from tests.helpers import count_queries


def _item(variant_id, loc):
    return StockItem.objects.get(variant_id=variant_id, location=loc)


def test_receipts_adjustments_counts_and_the_ledger_agree(tenant):
    variant, product, shop = f.stocked(10)
    stock.adjust(variant_id=variant, location_id=shop.id, delta=-2, reason="casse")
    stock.count(variant_id=variant, location_id=shop.id, counted=7)
    assert _item(variant, shop).on_hand == 7
    assert list(StockMovement.objects.order_by("id").values_list("kind", "quantity")) == [
        ("receipt", 10), ("adjustment", -2), ("count", -1)]
    assert selectors.rebuild_from_ledger()[(variant, shop.id)] == 7
    assert selectors.ledger_mismatches() == []


@pytest.mark.parametrize("sql", ["UPDATE inventory_stockmovement SET quantity = 99", "DELETE FROM inventory_stockmovement"])
def test_the_ledger_is_append_only_in_the_database(tenant, sql):
    f.stocked(5)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert StockMovement.objects.get().quantity == 5


def test_reserve_release_commit(tenant):
    variant, _, shop = f.stocked(5)
    r = reservations.reserve(variant_id=variant, quantity=3, reference="cart:1")
    assert (_item(variant, shop).reserved, inventory_api.availability(variant_ids=[variant])[variant].available) == (3, 2)
    with pytest.raises(stock.InsufficientStock) as err:
        reservations.reserve(variant_id=variant, quantity=3, reference="cart:2")
    assert err.value.field == "quantity"
    reservations.commit(reservation_id=r.id)
    item = _item(variant, shop)
    assert (item.on_hand, item.reserved) == (2, 0)
    assert StockMovement.objects.filter(kind="sale").get().quantity == -3
    with pytest.raises(stock.InvalidTransition):
        reservations.release(reservation_id=r.id)


def test_a_web_reservation_takes_the_web_location_with_most_free_stock(tenant):
    shop = f.location("shop", serves_web=False)
    small = f.location("warehouse", serves_web=True)
    big = f.location("warehouse", serves_web=True)
    variant, product = uuid.uuid4(), uuid.uuid4()
    for loc, q in ((shop, 50), (small, 2), (big, 8)):
        stock.receive(variant_id=variant, product_id=product, location_id=loc.id, quantity=q)
    assert reservations.reserve(variant_id=variant, quantity=3, reference="cart:1").location_id == big.id


def test_expiry_job_releases_only_expired_reservations_of_its_tenant(tenant, other_tenant):
    variant, _, shop = f.stocked(5)
    old = reservations.reserve(variant_id=variant, quantity=2, reference="cart:old")
    fresh = reservations.reserve(variant_id=variant, quantity=1, reference="cart:new")
    Reservation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with tenant_context(other_tenant):
        b_variant, _, _ = f.stocked(5)
        b_old = reservations.reserve(variant_id=b_variant, quantity=2, reference="cart:b")
        Reservation.objects.filter(pk=b_old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert reservations.release_expired(now=timezone.now()) == 1
    assert Reservation.objects.get(pk=old.pk).status == "expired"
    assert Reservation.objects.get(pk=fresh.pk).status == "active"
    assert _item(variant, shop).reserved == 1
    assert OutboxEvent.objects.filter(name="inventory.reservation.expired.v1").count() == 1
    with tenant_context(other_tenant):
        assert Reservation.objects.get(pk=b_old.pk).status == "active"


def test_low_stock_opens_one_alert_publishes_once_and_closes_on_restock(tenant):
    variant, product, shop = f.stocked(10, reorder_point=3)
    stock.adjust(variant_id=variant, location_id=shop.id, delta=-7, reason="ticket:1")
    stock.adjust(variant_id=variant, location_id=shop.id, delta=-1, reason="ticket:2")
    assert StockAlert.objects.filter(is_open=True).count() == 1
    assert OutboxEvent.objects.filter(name="inventory.stock.low.v1").count() == 1
    assert OutboxEvent.objects.get(name="inventory.stock.low.v1").payload["available"] == 3
    stock.receive(variant_id=variant, product_id=product, location_id=shop.id, quantity=10)
    assert not StockAlert.objects.filter(is_open=True).exists()


def test_transfer_states_and_stock_in_transit(tenant):
    variant, product, warehouse = f.stocked(10, loc=f.location("warehouse"))
    shop = f.location("shop")
    t = transfers.transfer_request(source_id=warehouse.id, destination_id=shop.id, lines=[{"variant_id": variant, "quantity": 4}])
    with pytest.raises(stock.InvalidTransition):
        transfers.transfer_receive(transfer_id=t.id)
    transfers.transfer_ship(transfer_id=t.id)
    assert _item(variant, warehouse).on_hand == 6 and not StockItem.objects.filter(location=shop).exists()
    transfers.transfer_receive(transfer_id=t.id)
    assert _item(variant, shop).on_hand == 4
    assert selectors.ledger_mismatches() == []
    too_much = transfers.transfer_request(source_id=warehouse.id, destination_id=shop.id, lines=[{"variant_id": variant, "quantity": 7}])
    with pytest.raises(stock.InsufficientStock):
        transfers.transfer_ship(transfer_id=too_much.id)


def test_bad_input_names_the_field(tenant):
    variant, _, shop = f.stocked(1)
    with pytest.raises(InvalidInput) as err:
        reservations.reserve(variant_id=variant, quantity=0, reference="x")
    assert err.value.field == "quantity"
    with pytest.raises(InvalidInput) as err:
        stock.count(variant_id=variant, location_id=shop.id, counted=-1)
    assert err.value.field == "counted"


# --- API ---------------------------------------------------------------------------------------

def test_stock_endpoint_per_location(staff_api):
    variant, product, shop = f.stocked(6)
    warehouse = f.location("warehouse")
    stock.receive(variant_id=variant, product_id=product, location_id=warehouse.id, quantity=4)
    rows = staff_api.get(f"/api/v1/inventory/stock/{product}").json()["results"]
    assert sorted((r["location"], r["available"]) for r in rows) == sorted([(shop.code, 6), (warehouse.code, 4)])


def test_reserve_endpoint_and_insufficient_stock_is_409_naming_quantity(staff_api):
    variant, _, _ = f.stocked(2)
    ok = staff_api.post("/api/v1/inventory/reserve", {"variant_id": str(variant), "quantity": 2, "reference": "cart:9"}, format="json")
    assert ok.status_code == 201 and ok.json()["status"] == "active"
    short = staff_api.post("/api/v1/inventory/reserve", {"variant_id": str(variant), "quantity": 1, "reference": "cart:10"}, format="json")
    assert short.status_code == 409
    assert short.json()["error"] == {"code": "insufficient_stock", "message": "Stock insuffisant.", "fields": {"quantity": ["Stock insuffisant."]}}
    bad = staff_api.post("/api/v1/inventory/reserve", {"variant_id": "nope", "quantity": -1}, format="json")
    assert bad.status_code == 400 and {"variant_id", "quantity", "reference"} <= set(bad.json()["error"]["fields"])


def test_transfer_endpoint_walks_the_states(staff_api):
    variant, _, warehouse = f.stocked(5, loc=f.location("warehouse"))
    shop = f.location("shop")
    made = staff_api.put("/api/v1/inventory/transfer", {"action": "request", "source_id": str(warehouse.id),
                                                        "destination_id": str(shop.id), "lines": [{"variant_id": str(variant), "quantity": 2}]}, format="json")
    assert made.status_code == 200 and made.json()["status"] == "requested"
    tid = made.json()["id"]
    assert staff_api.put("/api/v1/inventory/transfer", {"action": "ship", "transfer_id": tid}, format="json").json()["status"] == "shipped"
    assert staff_api.put("/api/v1/inventory/transfer", {"action": "ship", "transfer_id": tid}, format="json").status_code == 409
    assert staff_api.put("/api/v1/inventory/transfer", {"action": "receive", "transfer_id": tid}, format="json").json()["status"] == "received"
    missing = staff_api.put("/api/v1/inventory/transfer", {"action": "ship"}, format="json")
    assert missing.status_code == 400 and "transfer_id" in missing.json()["error"]["fields"]


def test_alerts_list_has_a_fixed_query_count(staff_api):
    for _ in range(3):
        variant, _, shop = f.stocked(2, reorder_point=5)
    one = count_queries(staff_api.get, "/api/v1/inventory/alerts/?page_size=1")
    for _ in range(10):
        f.stocked(2, reorder_point=5)
    many = count_queries(staff_api.get, "/api/v1/inventory/alerts/?page_size=50&is_open=true")
    assert one == many
    assert staff_api.get("/api/v1/inventory/alerts/?is_open=true").json()["count"] == 13


def test_availability_lookup_runs_the_same_queries_for_1_and_100_variants(tenant):
    loc = f.location(serves_web=True)
    ids = [f.stocked(3, loc=loc)[0] for _ in range(100)]
    assert count_queries(inventory_api.availability, variant_ids=ids[:1]) == count_queries(inventory_api.availability, variant_ids=ids)
    assert inventory_api.availability(variant_ids=ids + [uuid.uuid4()])[ids[5]].available == 3


@pytest.mark.parametrize("page", ["stockitem", "stockmovement", "reservation", "stockalert"])
def test_inventory_admin_lists_have_a_bounded_query_count(tenant, page):
    from django.test import Client as HttpClient

    from tests.factories.core import StaffFactory

    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="manager"))
    variant, _, shop = f.stocked(3, reorder_point=5)
    reservations.reserve(variant_id=variant, quantity=1, reference="cart:a")
    few = count_queries(browser.get, f"/admin/inventory/{page}/")
    for i in range(8):
        v, _, loc = f.stocked(3, reorder_point=5)
        reservations.reserve(variant_id=v, quantity=1, reference=f"cart:{i}")
    assert count_queries(browser.get, f"/admin/inventory/{page}/") == few
