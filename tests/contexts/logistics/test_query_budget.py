"""The shipment list and the pick list cost the same number of queries for 1 and 50 orders."""
from __future__ import annotations

import uuid

from contexts.logistics.models import Shelf
from contexts.logistics.services import shipments
from tests.factories import inventory as inv
from tests.factories import logistics as fl
from tests.helpers import count_queries


def _orders(n: int, loc, variants, client):
    for _ in range(n):
        shipments.create_for_order(order_id=uuid.uuid4(), client_id=client.id,
                                   lines=[{"variant_id": v, "quantity": 1, "label": "Article"} for v in variants])


def test_shipment_list_and_pick_list_cost_the_same_for_1_and_50_orders(staff_api):
    loc = inv.location("warehouse")
    variants = [inv.stocked(500, loc=loc)[0] for _ in range(3)]
    for i, v in enumerate(variants):
        Shelf.objects.create(location_id=loc.id, variant_id=v, shelf=f"A{i}")
    client = fl.client()
    _orders(1, loc, variants, client)
    costs = {}
    for n in (1, 50):
        if n == 50:
            _orders(49, loc, variants, client)
        listed = {}
        costs[("list", n)] = count_queries(lambda: listed.setdefault("r", staff_api.get("/api/v1/shipments?page_size=100")))
        assert listed["r"].status_code == 200 and listed["r"].json()["count"] == n
        picked = {}
        costs[("pick", n)] = count_queries(lambda: picked.setdefault("r", staff_api.get("/api/v1/shipments/pick-list.pdf")))
        assert picked["r"].status_code == 200 and picked["r"].content.startswith(b"%PDF")
    assert costs[("list", 1)] == costs[("list", 50)], costs
    assert costs[("pick", 1)] == costs[("pick", 50)], costs
    assert costs[("pick", 50)] <= 8, costs
