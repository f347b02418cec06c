"""Logistics reads: shipment lists and pick lists in a fixed number of queries whatever the
number of shipments; click-and-collect lists per shop."""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from contexts.inventory import api as inventory_api
from contexts.logistics.data import ShipmentSummary
from contexts.logistics.models import Collection, Parcel, Shelf, Shipment, ShipmentLine, ShipmentStatus


def shipments() -> QuerySet[Shipment]:
    """Shipments with their carrier, lines and parcels: 3 queries for a page of any size."""
    return (Shipment.objects.select_related("carrier")
            .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.order_by("id")),
                              Prefetch("parcels", queryset=Parcel.objects.order_by("id"))))


def shipment_summaries(*, order_id: uuid.UUID) -> list[ShipmentSummary]:
    rows = Shipment.objects.filter(order_id=order_id).select_related("carrier").order_by("created_at", "id")
    return [ShipmentSummary(id=s.id, order_id=s.order_id, location_id=s.location_id, status=s.status,
                            carrier=s.carrier.code if s.carrier_id else "", tracking_number=s.tracking_number) for s in rows]


@dataclass(frozen=True)
class PickRow:
    location_code: str
    location_name: str
    shelf: str
    variant_id: uuid.UUID
    label: str
    quantity: int
    orders: tuple[str, ...]


def pick_list(*, shipment_ids: list[uuid.UUID] | None = None) -> list[PickRow]:
    """What to take from the shelves for a batch of shipments (by default every shipment to
    pick), grouped by location and shelf, each variant once with its total: 3 queries whatever
    the batch."""
    qs = ShipmentLine.objects.filter(shipment__status=ShipmentStatus.TO_PICK)
    if shipment_ids is not None:
        qs = qs.filter(shipment_id__in=shipment_ids)
    lines = list(qs.values_list("shipment__location_id", "variant_id", "label", "quantity", "shipment__order_id"))
    locations = inventory_api.locations_by_ids(ids={l[0] for l in lines})
    shelves = {(s.location_id, s.variant_id): s.shelf for s in
               Shelf.objects.filter(location_id__in={l[0] for l in lines}, variant_id__in={l[1] for l in lines})}
    grouped: dict[tuple, dict] = defaultdict(lambda: {"quantity": 0, "orders": set(), "label": ""})
    for location_id, variant_id, label, quantity, order_id in lines:
        row = grouped[(location_id, shelves.get((location_id, variant_id), ""), variant_id)]
        row["quantity"] += quantity
        row["orders"].add(str(order_id))
        row["label"] = row["label"] or label
    result = []
    for (location_id, shelf, variant_id), row in grouped.items():
        loc = locations.get(location_id)
        result.append(PickRow(location_code=loc.code if loc else "?", location_name=loc.name if loc else "?", shelf=shelf,
                              variant_id=variant_id, label=row["label"], quantity=row["quantity"],
                              orders=tuple(sorted(row["orders"]))))
    return sorted(result, key=lambda r: (r.location_code, r.shelf or "~", r.label, str(r.variant_id)))


def collections(*, location_id: uuid.UUID | None = None, status: str | None = None) -> QuerySet[Collection]:
    qs = Collection.objects.all()
    if location_id:
        qs = qs.filter(location_id=location_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")
