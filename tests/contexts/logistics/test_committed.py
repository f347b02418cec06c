"""With real commits: the carrier and the postal provider are never called with a transaction
open; concurrent deliveries of one tracking update (webhook retries racing the poll) have one
effect; a paid order delivered twice at once gets its shipments once."""
from __future__ import annotations

import datetime
import functools
import uuid

import pytest
from django.db import connection

from contexts.logistics.gateways import carriers, postal
from contexts.logistics.models import Dispatch, Shipment, ShipmentChange, TrackingEvent
from contexts.logistics.services import dispatches, labels, shipments
from tests.concurrency import run_concurrently
from tests.factories import inventory as inv
from tests.factories import logistics as fl
from tests.fake_carrier import PDF

pytestmark = pytest.mark.committed


@pytest.fixture
def probed(monkeypatch):
    calls = []
    for cls, names in ((carriers.SendcloudGateway, ("create_label", "cancel", "tracking")),
                       (postal.PostalGateway, ("submit", "status", "proof"))):
        for name in names:
            real = getattr(cls, name)

            def probe(self, *args, _real=real, _name=name, **kwargs):
                calls.append((_name, connection.in_atomic_block))
                return _real(self, *args, **kwargs)

            monkeypatch.setattr(cls, name, functools.wraps(real)(probe))
    return calls


def test_outside_calls_run_with_no_transaction_open(committed_tenant, fake_carrier, probed):
    carrier = fl.carrier(api_base=fake_carrier.url)
    shipment = fl.packed(fl.paid_order_shipment())
    shipments.ship(shipment_id=shipment.id, carrier_code=carrier.code, service="standard")
    assert labels.fetch_label(shipment_id=shipment.id) == "shipped"
    shipment.refresh_from_db()
    fake_carrier.state.set_tracking(shipment.tracking_number, (1_790_000_000_000, "delivered"))
    assert labels.poll(shipment_id=shipment.id) == 1
    dispatch = dispatches.post_letter(kind="registered", address_lines=["SARL Dupont", "1 rue Haute"], postal_code="75001",
                                 city="Paris", pdf=PDF)
    dispatches.submit(dispatch_id=dispatch.id)
    fake_carrier.state.set_sending(str(dispatch.id), "delivered")
    assert dispatches.poll(dispatch_id=dispatch.id) == "delivered"
    assert {name for name, _ in probed} == {"create_label", "tracking", "submit", "status", "proof"}
    assert [c for c in probed if c[1]] == []  # not one call inside an atomic block
    assert Dispatch.objects.get(pk=dispatch.id).proof


def test_one_tracking_update_delivered_at_once_by_eight_connections_is_applied_once(committed_tenant):
    carrier = fl.carrier()
    shipment = fl.packed(fl.paid_order_shipment())
    Shipment.objects.filter(pk=shipment.pk).update(status="shipped", carrier=carrier, tracking_number="3SABC1")
    update = carriers.TrackingUpdate(external_id="1790000000000:delivered", carrier_status="delivered", status="delivered",
                                     occurred_at=datetime.datetime(2026, 9, 21, tzinfo=datetime.timezone.utc))
    results = run_concurrently(lambda i: shipments.apply_tracking(shipment_id=shipment.pk, updates=[update]), 8,
                               tenant=committed_tenant)
    assert sorted(results) == [0] * 7 + [1], results
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1
    assert ShipmentChange.objects.filter(shipment=shipment, to_status="delivered").count() == 1


def test_a_paid_order_handled_twice_at_once_gets_its_shipments_once(committed_tenant):
    loc = inv.location("warehouse")
    variant_id, _, _ = inv.stocked(10, loc=loc)
    client, order_id = fl.client(), uuid.uuid4()

    def create(i):
        return [s.id for s in shipments.create_for_order(order_id=order_id, client_id=client.id,
                                                         lines=[{"variant_id": variant_id, "quantity": 1}])]

    results = run_concurrently(create, 4, tenant=committed_tenant)
    assert all(r == results[0] and isinstance(r, list) for r in results), results  # the others waited, then got the same
    assert Shipment.objects.filter(order_id=order_id).count() == 1


def test_the_two_shipments_of_an_order_leaving_at_once_make_it_shipped_once(committed_tenant):
    from crm.models import OutboxEvent

    shop, warehouse = inv.location("shop"), inv.location("warehouse")
    a, _, _ = inv.stocked(3, loc=warehouse)
    b, _, _ = inv.stocked(3, loc=shop)
    order_id = uuid.uuid4()
    made = shipments.create_for_order(order_id=order_id, client_id=fl.client().id,
                                      lines=[{"variant_id": a, "quantity": 1}, {"variant_id": b, "quantity": 1}])
    for s in made:
        fl.packed(s)

    def shipped(i):  # both labels come back at the same moment, each in its own connection
        from django.db import transaction

        with transaction.atomic():
            return shipments.move(shipments._locked(made[i].pk), "shipped").status

    assert run_concurrently(shipped, 2, tenant=committed_tenant) == ["shipped", "shipped"]
    flags = [row.payload["order_all_shipped"] for row in OutboxEvent.objects.filter(name="logistics.shipment.shipped.v1")]
    assert sorted(flags) == [False, True]  # the second to commit saw the first: the order is all shipped, once
