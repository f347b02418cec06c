"""Shipments: created for a paid order, picked, packed, shipped (label from the carrier, see
labels.py), then moved by the carrier's tracking. Every change of state is kept in the history,
published as `logistics.shipment.<state>.v1` and told to the customer by e-mail; each command is
one transaction, owned here unless a caller opened one."""
from __future__ import annotations

from django.utils.translation import gettext as _
import uuid
from collections import defaultdict
from typing import Iterable

from django.db import connection, transaction

from contexts.core import api as core_api
from contexts.inventory import api as inventory_api
from contexts.logistics import events
from contexts.logistics.models import (
    TRANSITIONS, Carrier, LabelState, Parcel, Shipment, ShipmentChange, ShipmentLine, ShipmentStatus, TrackingEvent,
)
from contexts.logistics.services import notify, rates
from crm import eventbus
from crm.rest.errors import DomainError, InvalidInput, NotFound

S = ShipmentStatus
SHIPPED_OR_LATER = {S.SHIPPED, S.IN_TRANSIT, S.DELIVERED, S.FAILED_DELIVERY, S.RETURNED}


class IllegalTransition(DomainError):
    code = "illegal_transition"


class NoStock(DomainError):
    code = "no_location"


def _event(state: str, **payload) -> events.Event:
    builders = {
        S.TO_PICK: lambda: events.ShipmentToPick(**payload),
        S.PICKED: lambda: events.ShipmentPicked(**payload),
        S.PACKED: lambda: events.ShipmentPacked(**payload),
        S.SHIPPED: lambda: events.ShipmentShipped(**payload),
        S.IN_TRANSIT: lambda: events.ShipmentInTransit(**payload),
        S.DELIVERED: lambda: events.ShipmentDelivered(**payload),
        S.FAILED_DELIVERY: lambda: events.ShipmentFailedDelivery(**payload),
        S.RETURNED: lambda: events.ShipmentReturned(**payload),
        S.CANCELLED: lambda: events.ShipmentCancelled(**payload),
    }
    return builders[state]()


def _published(shipment: Shipment, note: str = "", from_status: str = "") -> None:
    """Records, publishes and tells the customer the state the shipment is in now."""
    ShipmentChange.objects.create(shipment=shipment, from_status=from_status, to_status=shipment.status, note=note[:200])
    siblings = list(Shipment.objects.filter(order_id=shipment.order_id).exclude(status=S.CANCELLED)
                    .values_list("status", flat=True))
    eventbus.publish(_event(
        shipment.status, shipment_id=shipment.id, order_id=shipment.order_id, client_id=shipment.client_id,
        status=shipment.status, carrier=shipment.carrier.code if shipment.carrier_id else "",
        tracking_number=shipment.tracking_number,
        order_all_shipped=bool(siblings) and all(s in SHIPPED_OR_LATER for s in siblings),
        order_all_delivered=bool(siblings) and all(s == S.DELIVERED for s in siblings),
    ))
    notify.shipment_changed(shipment)


def move(shipment: Shipment, to: str, *, note: str = "") -> Shipment:
    """Moves a shipment along its state machine. The caller holds the row and its order's lock
    (`_locked`) in its transaction."""
    if to not in TRANSITIONS.get(shipment.status, set()):
        raise IllegalTransition(_("A shipment %(status)s cannot become %(to)s.") % {"status": shipment.status, "to": to}, field="status")
    before = shipment.status
    shipment.status = to
    shipment.save(update_fields=["status", "updated_at"])
    _published(shipment, note=note, from_status=before)
    return shipment


def _lock_order(order_id) -> None:
    """Commands on the shipments of one order run one at a time: whether the order is all
    shipped (or delivered) is read after the others' changes committed, never beside them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"logistics.order:{order_id}"])


def _locked(shipment_id) -> Shipment:
    order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("No such shipment."), field="shipment_id")
    _lock_order(order_id)
    return Shipment.objects.select_for_update(of=("self",)).select_related("carrier").get(pk=shipment_id)


def choose_locations(lines: list[dict]) -> dict[uuid.UUID, list[dict]]:
    """The fulfilment rule: each line from a warehouse that has it all (by code), else from a
    shop that has it all, else from the warehouse (or location) that has most of it. Lines
    grouped by location: an order may be split over several locations."""
    stock = inventory_api.stock_by_location(variant_ids={line["variant_id"] for line in lines})
    by_variant: dict[uuid.UUID, list] = defaultdict(list)
    for row in stock:
        by_variant[row.variant_id].append(row)
    chosen: dict[uuid.UUID, list[dict]] = defaultdict(list)
    for line in lines:
        rows = by_variant.get(line["variant_id"], [])
        if not rows:
            raise NoStock(_("This variant is stocked nowhere: no location can send it."), field="variant_id")
        enough = [r for r in rows if r.on_hand >= line["quantity"]]
        pick = (next((r for r in enough if r.kind == "warehouse"), None) or next((r for r in enough if r.kind == "shop"), None)
                or max(rows, key=lambda r: (r.kind == "warehouse", r.on_hand)))
        chosen[pick.location_id].append(line)
    return dict(chosen)


def create_for_order(*, order_id: uuid.UUID, client_id: uuid.UUID, lines: Iterable[dict]) -> list[Shipment]:
    """The shipments of a paid order (once: a second call returns the first ones). `lines` are
    {variant_id, quantity, label}; the recipient is the order's client, at the shop
    customer's default address (core.api.delivery_address)."""
    cleaned = []
    for i, line in enumerate(lines):
        try:
            variant_id, quantity = uuid.UUID(str(line["variant_id"])), int(line["quantity"])
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(_("A line has a variant_id and a quantity."), field=f"lines[{i}]")
        if quantity <= 0:
            raise InvalidInput(_("A quantity is positive."), field=f"lines[{i}].quantity")
        cleaned.append({"variant_id": variant_id, "quantity": quantity, "label": str(line.get("label") or "")[:300]})
    if not cleaned:
        raise InvalidInput(_("An order to ship has lines."), field="lines")
    to = core_api.delivery_address(client_id=client_id)
    if to is None:
        raise NotFound(_("No such client."), field="client_id")
    street = ", ".join(part for part in (to.line1, to.line2) if part)[:200]
    with transaction.atomic():
        _lock_order(order_id)  # one creator per order at a time (no row to lock yet)
        existing = list(Shipment.objects.filter(order_id=order_id))
        if existing:
            return existing
        made = []
        for location_id, group in choose_locations(cleaned).items():
            shipment = Shipment.objects.create(
                order_id=order_id, client_id=client_id, location_id=location_id, recipient_name=to.name[:200],
                address_line=street, postal_code=to.postal_code, city=to.city, country=to.country or "FR", email=to.email)
            ShipmentLine.objects.bulk_create([ShipmentLine(shipment=shipment, variant_id=l["variant_id"], label=l["label"],
                                                           quantity=l["quantity"]) for l in group])
            made.append(shipment)
        for shipment in made:
            _published(shipment, note="order paid")
    return made


def pick(*, shipment_id: uuid.UUID) -> Shipment:
    with transaction.atomic():
        return move(_locked(shipment_id), S.PICKED)


def pack(*, shipment_id: uuid.UUID, parcels: list[dict]) -> Shipment:
    """Packed in one or more parcels, each with its weight (g) and dimensions (cm)."""
    if not parcels:
        raise InvalidInput(_("A packed shipment has at least one parcel."), field="parcels")
    rows = []
    for i, p in enumerate(parcels):
        values = {}
        for key, top in (("weight_grams", 70000), ("length_cm", 300), ("width_cm", 300), ("height_cm", 300)):
            try:
                value = int(p[key])
            except (KeyError, TypeError, ValueError):
                raise InvalidInput(_("A parcel has a %(field)s.") % {"field": key}, field=f"parcels[{i}].{key}")
            if not 0 < value <= top:
                raise InvalidInput(_("Between 1 and %(top)s.") % {"top": top}, field=f"parcels[{i}].{key}")
            values[key] = value
        rows.append(values)
    with transaction.atomic():
        shipment = _locked(shipment_id)
        if shipment.status != S.PICKED:
            raise IllegalTransition(_("A shipment %(status)s cannot become packed.") % {"status": shipment.status}, field="status")
        Parcel.objects.bulk_create([Parcel(shipment=shipment, **values) for values in rows])
        return move(shipment, S.PACKED, note=f"{len(rows)} parcel(s)")


def ship(*, shipment_id: uuid.UUID, carrier_code: str, service: str) -> Shipment:
    """Asks the carrier for a label: the shipment stays packed with its label requested; the
    carrier is called by a Celery task after commit (retried, behind a breaker), and the
    shipment becomes shipped when the label is back (labels.fetch_label)."""
    from contexts.logistics import tasks

    carrier = Carrier.objects.filter(code=carrier_code, is_active=True).first()
    if carrier is None:
        raise InvalidInput(_("No active carrier with this code."), field="carrier")
    if not service or len(service) > 40:
        raise InvalidInput(_("A carrier service is required (at most 40 characters)."), field="service")
    with transaction.atomic():
        shipment = _locked(shipment_id)
        if shipment.status != S.PACKED:
            raise IllegalTransition(_("A shipment %(status)s cannot be shipped; pack it first.") % {"status": shipment.status}, field="status")
        if shipment.label_state == LabelState.REQUESTED:
            return shipment  # asked already: the task is on its way
        weight = sum(shipment.parcels.values_list("weight_grams", flat=True))
        shipment.carrier, shipment.service, shipment.label_state, shipment.label_error = carrier, service, LabelState.REQUESTED, ""
        shipment.shipping_cost = rates.cost(carrier=carrier, service=service, country=shipment.country, weight_grams=weight)
        shipment.save(update_fields=["carrier", "service", "label_state", "label_error", "shipping_cost", "updated_at"])
        ShipmentChange.objects.create(shipment=shipment, from_status=shipment.status, to_status=shipment.status,
                                      note=f"label requested from {carrier.code} ({service})")
        transaction.on_commit(lambda: tasks.create_label.delay(shipment_id=str(shipment.id)))
    return shipment


def cancel(*, shipment_id: uuid.UUID, note: str = "") -> Shipment:
    """Before it leaves: a shipment to pick, picked or packed is cancelled (a label requested
    meanwhile is cancelled at the carrier when it comes back)."""
    with transaction.atomic():
        return move(_locked(shipment_id), S.CANCELLED, note=note or "cancelled")


def apply_tracking(*, shipment_id: uuid.UUID, updates: list) -> int:
    """Carrier tracking updates (polled or pushed), each applied once by its id: recorded, and
    the shipment moved when the update means a legal move. Returns the number of new updates."""
    applied = 0
    for update in sorted(updates, key=lambda u: u.occurred_at):
        with transaction.atomic():
            shipment = _locked(shipment_id)
            _tracked, created = TrackingEvent.objects.get_or_create(
                shipment=shipment, external_id=update.external_id,
                defaults={"carrier_status": update.carrier_status, "status": update.status,
                          "description": update.description, "occurred_at": update.occurred_at})
            if not created:
                continue
            applied += 1
            if update.status and update.status in TRANSITIONS.get(shipment.status, set()):
                move(shipment, update.status, note=f"carrier: {update.carrier_status}")
    return applied


def shipment_for_tracking(*, carrier_code: str, tracking_number: str) -> Shipment | None:
    return Shipment.objects.filter(carrier__code=carrier_code, tracking_number=tracking_number).first()
