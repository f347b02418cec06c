"""Shipments: created once for a paid order from the location the rule chooses, moved along
their states with every change recorded, published and told to the customer; commercial
follows with the order's status."""
from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core import mail

from contexts.commercial.events import OrderPaid
from contexts.commercial.models import Order, OrderStatus, OrderStatusChange
from contexts.logistics.models import Shipment, ShipmentChange
from contexts.logistics.services import shipments
from crm import eventbus
from crm.models import OutboxEvent
from tests.factories import inventory as inv
from tests.factories import logistics as fl


def _order(client, status=OrderStatus.PAID) -> Order:
    order = Order.objects.create(idempotency_key=str(uuid.uuid4()), client_id=client.id, subtotal=Decimal("50.00"),
                                 total=Decimal("50.00"), status=status)
    OrderStatusChange.objects.create(order=order, to_status=status)
    return order


def test_a_paid_order_gets_one_shipment_from_the_warehouse_first(tenant, run_subscribers, django_capture_on_commit_callbacks):
    shop, warehouse = inv.location("shop"), inv.location("warehouse")
    variant_id, product_id, _ = inv.stocked(5, loc=shop)
    inv.stocked(5, loc=warehouse, variant_id=variant_id, product_id=product_id)
    client = fl.client()
    order = _order(client)
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        eventbus.publish(OrderPaid(order_id=order.id, client_id=client.id, total=order.total, invoice_number="F-1",
                                   lines=[{"variant_id": variant_id, "quantity": 2, "label": "Écharpe"}]))
        run_subscribers(names={"logistics.shipment_on_order_paid"})
        run_subscribers(names={"logistics.shipment_on_order_paid"})  # a redelivery: nothing more
    shipment = Shipment.objects.get(order_id=order.id)
    assert shipment.location_id == warehouse.id and shipment.status == "to_pick"
    assert (shipment.recipient_name, shipment.postal_code, shipment.email) == ("Léa Martin", "69003", client.email)
    assert list(shipment.lines.values_list("variant_id", "quantity")) == [(variant_id, 2)]
    assert OutboxEvent.objects.filter(name="logistics.shipment.to_pick.v1").count() == 1
    assert [m.subject for m in mail.outbox] == ["Votre commande est en préparation"]
    assert mail.outbox[0].to == [client.email]


def test_an_order_is_split_when_no_single_location_has_everything(tenant):
    shop, warehouse = inv.location("shop"), inv.location("warehouse")
    in_warehouse, _, _ = inv.stocked(3, loc=warehouse)
    only_in_shop, _, _ = inv.stocked(3, loc=shop)
    made = shipments.create_for_order(order_id=uuid.uuid4(), client_id=fl.client().id, lines=[
        {"variant_id": in_warehouse, "quantity": 1}, {"variant_id": only_in_shop, "quantity": 2}])
    assert sorted((s.location_id, s.lines.get().variant_id) for s in made) == sorted(
        [(warehouse.id, in_warehouse), (shop.id, only_in_shop)])


def test_the_states_follow_the_machine_with_history_events_and_mails(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shipment = fl.paid_order_shipment()
        with pytest.raises(shipments.IllegalTransition) as err:
            shipments.pack(shipment_id=shipment.id, parcels=[{"weight_grams": 500, "length_cm": 1, "width_cm": 1, "height_cm": 1}])
        assert err.value.field == "status"
        shipments.pick(shipment_id=shipment.id)
        with pytest.raises(shipments.InvalidInput) as err:
            shipments.pack(shipment_id=shipment.id, parcels=[{"weight_grams": 0, "length_cm": 1, "width_cm": 1, "height_cm": 1}])
        assert err.value.field == "parcels[0].weight_grams"
        shipments.pack(shipment_id=shipment.id, parcels=[
            {"weight_grams": 500, "length_cm": 30, "width_cm": 20, "height_cm": 10},
            {"weight_grams": 700, "length_cm": 30, "width_cm": 20, "height_cm": 10}])
    assert list(ShipmentChange.objects.filter(shipment=shipment).values_list("from_status", "to_status")) == [
        ("", "to_pick"), ("to_pick", "picked"), ("picked", "packed")]
    assert shipment.parcels.count() == 2
    assert [r.name for r in OutboxEvent.objects.order_by("created_at")] == [
        "logistics.shipment.to_pick.v1", "logistics.shipment.picked.v1", "logistics.shipment.packed.v1"]
    assert [m.subject for m in mail.outbox] == ["Votre commande est en préparation", "Vos articles ont été prélevés",
                                                "Votre colis est emballé"]
    shipments.cancel(shipment_id=shipment.id)
    with pytest.raises(shipments.IllegalTransition):
        shipments.pick(shipment_id=shipment.id)


def test_commercial_moves_the_order_to_shipped_then_delivered_from_the_events(tenant, run_subscribers):
    client = fl.client()
    order = _order(client)
    shipment = fl.paid_order_shipment(order_id=order.id, the_client=client)
    fl.packed(shipment)
    from django.db import transaction

    with transaction.atomic():  # what the label's arrival and the carrier's tracking do
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        shipments.move(locked, "shipped")
        shipments.move(locked, "in_transit")
        shipments.move(locked, "delivered")
    run_subscribers(names={"commercial.order_shipped", "commercial.order_delivered"})
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert list(order.history.values_list("to_status", flat=True)) == ["paid", "preparing", "shipped", "delivered"]


def test_an_order_in_two_shipments_is_shipped_when_both_have_left(tenant, run_subscribers):
    client = fl.client()
    order = _order(client)
    shop, warehouse = inv.location("shop"), inv.location("warehouse")
    a, _, _ = inv.stocked(3, loc=warehouse)
    b, _, _ = inv.stocked(3, loc=shop)
    first, second = shipments.create_for_order(order_id=order.id, client_id=client.id,
                                               lines=[{"variant_id": a, "quantity": 1}, {"variant_id": b, "quantity": 1}])
    from django.db import transaction

    for s in (first, second):
        fl.packed(s)
    with transaction.atomic():
        shipments.move(Shipment.objects.select_for_update().get(pk=first.pk), "shipped")
    run_subscribers(names={"commercial.order_shipped"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    with transaction.atomic():
        shipments.move(Shipment.objects.select_for_update().get(pk=second.pk), "shipped")
    run_subscribers(names={"commercial.order_shipped"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
