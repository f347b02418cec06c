"""Stock levels and the movement ledger that explains them. Stock never goes below what is
there: every decrease is a conditional UPDATE (`... WHERE on_hand - reserved >= n`) that takes
the row lock and checks in one statement, so concurrent reservations, sales and the expiry job
cannot oversell. Commands join the caller's transaction (one atomic block each when called
alone); no lock is ever held across a call to the outside."""
from __future__ import annotations

import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.core import api as core_api
from contexts.inventory.events import StockLow
from contexts.inventory.models import Location, MovementKind, StockAlert, StockItem, StockMovement
from crm import audit, eventbus
from crm.rest.errors import DomainError, InvalidInput
from crm.transactions import joined


class InsufficientStock(DomainError):
    code = "insufficient_stock"

    def __init__(self, message=None, *, field="quantity"):
        super().__init__(message or _("Not enough stock."), field=field)


class InvalidTransition(DomainError):
    code = "invalid_transition"


def _location(location_id) -> Location:
    try:
        return Location.objects.get(pk=location_id, is_active=True)
    except (Location.DoesNotExist, ValueError, TypeError):
        raise InvalidInput(_("No such location."), field="location_id")


def _positive(quantity, field="quantity") -> int:
    try:
        q = int(quantity)
    except (TypeError, ValueError):
        raise InvalidInput(_("The quantity is a whole number."), field=field)
    if q <= 0:
        raise InvalidInput(_("The quantity must be positive."), field=field)
    return q


def location_create(*, code: str, name: str, kind: str, serves_web: bool = False) -> Location:
    if kind not in ("shop", "warehouse"):
        raise InvalidInput(_("A location is a shop or a warehouse."), field="kind")
    if Location.objects.filter(code=code).exists():
        raise InvalidInput(_("This code is used."), field="code")
    core_api.check_plan_limit(resource="locations", current=Location.objects.filter(is_active=True).count())
    return Location.objects.create(code=code, name=name, kind=kind, serves_web=serves_web)


def location_ensure(*, code: str, name: str, kind: str, serves_web: bool = False) -> Location:
    """The location with this code, created when missing (the demo, imports)."""
    return Location.objects.filter(code=code).first() or location_create(code=code, name=name, kind=kind,
                                                                          serves_web=serves_web)


def _item_for_update(variant_id, location: Location, product_id=None) -> StockItem:
    item = StockItem.objects.select_for_update().filter(variant_id=variant_id, location=location).first()
    if item is None:
        if product_id is None:
            raise InsufficientStock(_("This variant has no stock here."))
        try:
            with transaction.atomic():
                StockItem.objects.create(variant_id=variant_id, product_id=product_id, location=location)
        except IntegrityError:
            pass  # created concurrently
        item = StockItem.objects.select_for_update().get(variant_id=variant_id, location=location)
    return item


def _move(item: StockItem, kind: str, quantity: int, reference: str) -> None:
    StockMovement.objects.create(variant_id=item.variant_id, location_id=item.location_id, kind=kind,
                                 quantity=quantity, reference=reference[:100])


def _check_low(item: StockItem, *, fresh: bool = False, rising: bool = True) -> None:
    """Opens an alert (once) and publishes inventory.stock.low when available stock falls to
    the reorder point; closes the alert when it rises above (or, without a reorder point, when
    stock a till took below zero is back: only a rise can do that, so a fall skips the query).
    `fresh`: the item was just read after the change (no second read)."""
    if not fresh:
        item.refresh_from_db(fields=["on_hand", "reserved", "reorder_point"])
    if item.reorder_point and item.available <= item.reorder_point:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_stockalert (variant_id, product_id, location_id, available, reorder_point, is_open, created_at) "
                "VALUES (%s, %s, %s, %s, %s, true, now()) ON CONFLICT (variant_id, location_id) WHERE is_open DO NOTHING RETURNING id",
                [item.variant_id, item.product_id, item.location_id, item.available, item.reorder_point],
            )
            if cursor.fetchone() is not None:
                eventbus.publish(StockLow(variant_id=item.variant_id, product_id=item.product_id, location_id=item.location_id,
                                  available=item.available, reorder_point=item.reorder_point))
    elif item.reorder_point or (rising and item.available >= 0):  # back above the point (or no longer negative)
        StockAlert.objects.filter(variant_id=item.variant_id, location_id=item.location_id, is_open=True).update(
            is_open=False, closed_at=timezone.now())


def receive(*, variant_id: uuid.UUID, product_id: uuid.UUID, location_id: uuid.UUID, quantity: int,
            reference: str = "", kind: str = MovementKind.RECEIPT) -> StockItem:
    quantity = _positive(quantity)
    with joined():
        item = _item_for_update(variant_id, _location(location_id), product_id)
        StockItem.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + quantity)
        _move(item, kind, quantity, reference)
        _check_low(item)
    return item


def adjust(*, variant_id: uuid.UUID, location_id: uuid.UUID, delta: int, reason: str) -> StockItem:
    """A correction (breakage, theft, found): refuses to take more than is free."""
    if not reason:
        raise InvalidInput(_("Say why the stock is adjusted."), field="reason")
    delta = int(delta)
    if delta == 0:
        raise InvalidInput(_("The adjustment cannot be zero."), field="delta")
    with joined():
        item = _item_for_update(variant_id, _location(location_id))
        if delta < 0 and item.available < -delta:
            raise InsufficientStock(_("Cannot remove more than the free stock."), field="delta")
        StockItem.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + delta)
        _move(item, MovementKind.ADJUSTMENT, delta, reason)
        _check_low(item)
    return item


def count(*, variant_id: uuid.UUID, location_id: uuid.UUID, counted: int, reference: str = "count",
          product_id: uuid.UUID | None = None) -> StockItem:
    """A physical count sets on-hand stock; the difference goes to the ledger. With
    `product_id`, a variant never stocked here gets its stock line (an import's first count)."""
    counted = int(counted)
    if counted < 0:
        raise InvalidInput(_("A count cannot be negative."), field="counted")
    with joined():
        item = _item_for_update(variant_id, _location(location_id), product_id)
        if counted < item.reserved:
            raise InvalidInput(_("%(reserved)s units are reserved: release them before counting fewer.") % {"reserved": item.reserved}, field="counted")
        diff = counted - item.on_hand
        if diff:
            StockItem.objects.filter(pk=item.pk).update(on_hand=counted)
            _move(item, MovementKind.COUNT, diff, reference)
            _check_low(item)
    return item


def set_reorder_point(*, variant_id: uuid.UUID, location_id: uuid.UUID, reorder_point: int) -> StockItem:
    if int(reorder_point) < 0:
        raise InvalidInput(_("The reorder point cannot be negative."), field="reorder_point")
    with joined():
        item = _item_for_update(variant_id, _location(location_id))
        old = item.reorder_point
        StockItem.objects.filter(pk=item.pk).update(reorder_point=int(reorder_point))
        if old != int(reorder_point):  # a bulk update sends no signal: the audit row is written here
            audit.record(action="update", instance=item, changes={"reorder_point": [old, int(reorder_point)]})
        _check_low(item)
    return item


def decrease(variant_id, location_id, quantity: int, kind: str, reference: str, short: str | None = None) -> StockItem:
    """The one stock decrease: a conditional UPDATE that never takes more than the free stock
    (InsufficientStock with the message `short`), its movement, the low-stock check."""
    if not StockItem.objects.filter(variant_id=variant_id, location_id=location_id,
                                    on_hand__gte=F("reserved") + quantity).update(on_hand=F("on_hand") - quantity):
        raise InsufficientStock(short, field="lines" if short else "quantity")
    item = StockItem.objects.get(variant_id=variant_id, location_id=location_id)
    _move(item, kind, -quantity, reference)
    _check_low(item, rising=False)
    return item


def return_to_stock(*, variant_id: uuid.UUID, quantity: int, reference: str) -> StockItem:
    """Returned goods go back to the web-serving location that stocks the variant."""
    item = (StockItem.objects.filter(variant_id=variant_id, location__serves_web=True, location__is_active=True)
            .order_by("location__code").first()) or StockItem.objects.filter(variant_id=variant_id).first()
    if item is None:
        raise InvalidInput(_("This variant was never stocked."), field="variant_id")
    return receive(variant_id=variant_id, product_id=item.product_id, location_id=item.location_id, quantity=quantity,
                   reference=reference, kind=MovementKind.RETURN)
