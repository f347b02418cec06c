"""Events published by logistics: contracts (add fields, never rename). Plain Python only.

A shipment publishes one event per state it enters (`logistics.shipment.<state>.v1`), all with
the same payload; `order_all_shipped` / `order_all_delivered` say whether every shipment of the
order reached that point (an order sent from several locations has several shipments)."""
from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class _ShipmentEvent(Event):
    name = ""  # a base, not an event
    shipment_id: uuid.UUID
    order_id: uuid.UUID
    client_id: uuid.UUID
    status: str
    carrier: str = ""
    tracking_number: str = ""
    order_all_shipped: bool = False
    order_all_delivered: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentToPick(_ShipmentEvent):
    name = "logistics.shipment.to_pick.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentPicked(_ShipmentEvent):
    name = "logistics.shipment.picked.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentPacked(_ShipmentEvent):
    name = "logistics.shipment.packed.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentShipped(_ShipmentEvent):
    name = "logistics.shipment.shipped.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentInTransit(_ShipmentEvent):
    name = "logistics.shipment.in_transit.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentDelivered(_ShipmentEvent):
    name = "logistics.shipment.delivered.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentFailedDelivery(_ShipmentEvent):
    name = "logistics.shipment.failed_delivery.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentReturned(_ShipmentEvent):
    name = "logistics.shipment.returned.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentCancelled(_ShipmentEvent):
    name = "logistics.shipment.cancelled.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class _DispatchEvent(Event):
    name = ""  # a base, not an event
    dispatch_id: uuid.UUID
    kind: str
    source: str
    source_id: str
    invoice_id: uuid.UUID | None
    provider_reference: str
    cost: Decimal | None
    proof: str = ""  # the proof of delivery's file name in the tenant's storage


@dataclasses.dataclass(frozen=True, kw_only=True)
class DispatchDelivered(_DispatchEvent):
    name = "logistics.dispatch.delivered.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class DispatchReturned(_DispatchEvent):
    name = "logistics.dispatch.returned.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class _CollectionEvent(Event):
    name = ""  # a base, not an event
    collection_id: uuid.UUID
    order_id: uuid.UUID
    location_id: uuid.UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class CollectionReady(_CollectionEvent):
    name = "logistics.collection.ready.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CollectionCollected(_CollectionEvent):
    name = "logistics.collection.collected.v1"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CollectionCancelled(_CollectionEvent):
    name = "logistics.collection.cancelled.v1"
