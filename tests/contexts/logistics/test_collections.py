"""Click and collect: stock reserved at the shop, the "to prepare" and "ready" lists, the
customer told with the code, handed over against the code, and an uncollected order cancelled
and its stock released by the beat job, which takes `today`."""
from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from django.core import mail

from contexts.inventory import api as inventory_api
from contexts.logistics import tasks
from contexts.logistics.models import Collection
from tests.factories import inventory as inv
from tests.factories import logistics as fl


def _collection(staff_api, units=2):
    shop = inv.location("shop")
    variant_id, _, _ = inv.stocked(5, loc=shop)
    client = fl.client()
    answer = staff_api.post("/api/v1/collections", {"order_id": str(uuid.uuid4()), "client_id": str(client.id),
                                                    "location_id": str(shop.id),
                                                    "lines": [{"variant_id": str(variant_id), "quantity": units}]},
                            format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"], shop, variant_id, client


def test_reserved_at_the_shop_ready_with_the_code_and_collected(staff_api, django_capture_on_commit_callbacks):
    collection_id, shop, variant_id, client = _collection(staff_api)
    stock = inventory_api.availability(variant_ids=[variant_id], location_id=shop.id)[variant_id]
    assert (stock.on_hand, stock.reserved) == (5, 2)
    listed = staff_api.get(f"/api/v1/collections?location_id={shop.id}&status=reserved").json()["results"]
    assert [c["id"] for c in listed] == [collection_id]
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_api.post(f"/api/v1/collections/{collection_id}/ready").json()["status"] == "ready"
    code = Collection.objects.get(pk=collection_id).code
    assert mail.outbox[-1].to == [client.email] and code in mail.outbox[-1].body
    assert [c["id"] for c in staff_api.get(f"/api/v1/collections?location_id={shop.id}&status=ready").json()["results"]] == [collection_id]
    wrong = staff_api.post(f"/api/v1/collections/{collection_id}/collect", {"code": "000000" if code != "000000" else "111111"},
                           format="json")
    assert wrong.status_code == 403 and wrong.json()["error"]["fields"] == {"code": ["Ce n'est pas le code de la commande."]}
    done = staff_api.post(f"/api/v1/collections/{collection_id}/collect", {"code": code}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "collected"
    stock = inventory_api.availability(variant_ids=[variant_id], location_id=shop.id)[variant_id]
    assert (stock.on_hand, stock.reserved) == (3, 0)


def test_not_enough_at_the_shop_is_refused_naming_the_line(staff_api):
    shop = inv.location("shop")
    variant_id, _, _ = inv.stocked(1, loc=shop)
    answer = staff_api.post("/api/v1/collections", {"order_id": str(uuid.uuid4()), "client_id": str(fl.client().id),
                                                    "location_id": str(shop.id),
                                                    "lines": [{"variant_id": str(variant_id), "quantity": 3}]}, format="json")
    assert answer.status_code == 409 and "lines[0].quantity" in answer.json()["error"]["fields"]
    assert not Collection.objects.exists()


def test_an_uncollected_order_is_cancelled_by_beat_and_its_stock_released(staff_api, settings):
    settings.COLLECTION_KEEP_DAYS = 10
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.timezone.utc), tick=False):
        collection_id, shop, variant_id, _ = _collection(staff_api)
        staff_api.post(f"/api/v1/collections/{collection_id}/ready")
    assert tasks.cancel_uncollected.apply(kwargs={"today": "2026-11-12"}).get() == 0  # not 10 full days yet
    assert tasks.cancel_uncollected.apply(kwargs={"today": "2026-11-13"}).get() == 1
    assert Collection.objects.get(pk=collection_id).status == "cancelled"
    stock = inventory_api.availability(variant_ids=[variant_id], location_id=shop.id)[variant_id]
    assert (stock.on_hand, stock.reserved) == (5, 0)
