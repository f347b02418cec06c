"""Inventory commands. Stock never goes below what is there: every decrease is a conditional
UPDATE (`... WHERE on_hand - reserved >= n`) that takes the row lock and checks in one
statement, so concurrent reservations, sales and the expiry job cannot oversell. No lock is
ever held across a call to the outside."""
from __future__ import annotations

import datetime
import uuid
from typing import Iterable, Mapping

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from contexts.inventory.events import ReservationExpired, StockLow
from contexts.inventory.models import (
    Location, MovementKind, Reservation, ReservationStatus, StockAlert, StockItem, StockMovement, Transfer,
    TransferLine, TransferStatus,
)
from contexts.finance import api as finance_api
from crm import audit, eventbus
from crm.rest.errors import DomainError, InvalidInput, NotFound

DEFAULT_TTL = datetime.timedelta(minutes=20)


class InsufficientStock(DomainError):
    code = "insufficient_stock"

    def __init__(self, message="Not enough stock.", *, field="quantity"):
        super().__init__(message, field=field)


class InvalidTransition(DomainError):
    code = "invalid_transition"


def _publish(event) -> None:
    eventbus.publish(event)


def _location(location_id) -> Location:
    try:
        return Location.objects.get(pk=location_id, is_active=True)
    except (Location.DoesNotExist, ValueError, TypeError):
        raise InvalidInput("No such location.", field="location_id")


def _positive(quantity, field="quantity") -> int:
    try:
        q = int(quantity)
    except (TypeError, ValueError):
        raise InvalidInput("The quantity is a whole number.", field=field)
    if q <= 0:
        raise InvalidInput("The quantity must be positive.", field=field)
    return q


def location_create(*, code: str, name: str, kind: str, serves_web: bool = False) -> Location:
    if kind not in ("shop", "warehouse"):
        raise InvalidInput("A location is a shop or a warehouse.", field="kind")
    if Location.objects.filter(code=code).exists():
        raise InvalidInput("This code is used.", field="code")
    finance_api.check_plan_limit(resource="locations", current=Location.objects.filter(is_active=True).count())
    return Location.objects.create(code=code, name=name, kind=kind, serves_web=serves_web)


def _item_for_update(variant_id, location: Location, product_id=None) -> StockItem:
    item = StockItem.objects.select_for_update().filter(variant_id=variant_id, location=location).first()
    if item is None:
        if product_id is None:
            raise InsufficientStock("This variant has no stock here.")
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


def _check_low(item: StockItem) -> None:
    """Opens an alert (once) and publishes inventory.stock.low when available stock falls to
    the reorder point; closes the alert when it rises above."""
    item.refresh_from_db(fields=["on_hand", "reserved", "reorder_point"])
    if item.reorder_point and item.available <= item.reorder_point:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_stockalert (variant_id, product_id, location_id, available, reorder_point, is_open, created_at) "
                "VALUES (%s, %s, %s, %s, %s, true, now()) ON CONFLICT (variant_id, location_id) WHERE is_open DO NOTHING RETURNING id",
                [item.variant_id, item.product_id, item.location_id, item.available, item.reorder_point],
            )
            if cursor.fetchone() is not None:
                _publish(StockLow(variant_id=item.variant_id, product_id=item.product_id, location_id=item.location_id,
                                  available=item.available, reorder_point=item.reorder_point))
    elif item.reorder_point or item.available >= 0:  # back above the point (or no longer negative)
        StockAlert.objects.filter(variant_id=item.variant_id, location_id=item.location_id, is_open=True).update(
            is_open=False, closed_at=timezone.now())


def receive(*, variant_id: uuid.UUID, product_id: uuid.UUID, location_id: uuid.UUID, quantity: int,
            reference: str = "", kind: str = MovementKind.RECEIPT) -> StockItem:
    quantity = _positive(quantity)
    with transaction.atomic():
        location = _location(location_id)
        item = _item_for_update(variant_id, location, product_id)
        StockItem.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + quantity)
        _move(item, kind, quantity, reference)
        _check_low(item)
    return item


def adjust(*, variant_id: uuid.UUID, location_id: uuid.UUID, delta: int, reason: str) -> StockItem:
    """A correction (breakage, theft, found): refuses to take more than is free."""
    if not reason:
        raise InvalidInput("Say why the stock is adjusted.", field="reason")
    delta = int(delta)
    if delta == 0:
        raise InvalidInput("The adjustment cannot be zero.", field="delta")
    with transaction.atomic():
        location = _location(location_id)
        item = _item_for_update(variant_id, location)
        if delta < 0 and item.available < -delta:
            raise InsufficientStock("Cannot remove more than the free stock.", field="delta")
        StockItem.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + delta)
        _move(item, MovementKind.ADJUSTMENT, delta, reason)
        _check_low(item)
    return item


def count(*, variant_id: uuid.UUID, location_id: uuid.UUID, counted: int, reference: str = "count") -> StockItem:
    """A physical count sets on-hand stock; the difference goes to the ledger."""
    counted = int(counted)
    if counted < 0:
        raise InvalidInput("A count cannot be negative.", field="counted")
    with transaction.atomic():
        location = _location(location_id)
        item = _item_for_update(variant_id, location)
        if counted < item.reserved:
            raise InvalidInput(f"{item.reserved} units are reserved: release them before counting fewer.", field="counted")
        diff = counted - item.on_hand
        if diff:
            StockItem.objects.filter(pk=item.pk).update(on_hand=counted)
            _move(item, MovementKind.COUNT, diff, reference)
            _check_low(item)
    return item


def set_reorder_point(*, variant_id: uuid.UUID, location_id: uuid.UUID, reorder_point: int) -> StockItem:
    if int(reorder_point) < 0:
        raise InvalidInput("The reorder point cannot be negative.", field="reorder_point")
    with transaction.atomic():
        item = _item_for_update(variant_id, _location(location_id))
        old = item.reorder_point
        StockItem.objects.filter(pk=item.pk).update(reorder_point=int(reorder_point))
        if old != int(reorder_point):  # a bulk update sends no signal: the audit row is written here
            audit.record(action="update", instance=item, changes={"reorder_point": [old, int(reorder_point)]})
        _check_low(item)
    return item


def reserve(*, variant_id: uuid.UUID, quantity: int, reference: str, location_id: uuid.UUID | None = None,
            ttl: datetime.timedelta = DEFAULT_TTL) -> Reservation:
    """Holds stock for a while. Without a location, takes it from the web-serving location
    with the most free stock. Raises InsufficientStock when nothing can hold it."""
    quantity = _positive(quantity)
    if not reference:
        raise InvalidInput("A reservation needs a reference (cart:<id>, order:<id>...).", field="reference")
    if location_id is not None:
        candidates = [_location(location_id).pk]
    else:
        candidates = list(StockItem.objects.filter(variant_id=variant_id, location__serves_web=True, location__is_active=True)
                          .annotate(free=F("on_hand") - F("reserved")).order_by("-free").values_list("location_id", flat=True))
    with transaction.atomic():
        for loc in candidates:
            taken = StockItem.objects.filter(variant_id=variant_id, location_id=loc,
                                             on_hand__gte=F("reserved") + quantity).update(reserved=F("reserved") + quantity)
            if taken:
                reservation = Reservation.objects.create(variant_id=variant_id, location_id=loc, quantity=quantity,
                                                         reference=reference[:100], expires_at=timezone.now() + ttl)
                _check_low(StockItem.objects.get(variant_id=variant_id, location_id=loc))
                return reservation
    raise InsufficientStock()


def _close(reservation_id, *, to: str) -> Reservation:
    with transaction.atomic():
        r = Reservation.objects.select_for_update().filter(pk=reservation_id).first()
        if r is None:
            raise NotFound("No such reservation.", field="reservation_id")
        if r.status != ReservationStatus.ACTIVE:
            raise InvalidTransition(f"This reservation is {r.status}.", field="reservation_id")
        decrease = {"reserved": F("reserved") - r.quantity}
        if to == ReservationStatus.COMMITTED:
            decrease["on_hand"] = F("on_hand") - r.quantity
        StockItem.objects.filter(variant_id=r.variant_id, location_id=r.location_id).update(**decrease)
        if to == ReservationStatus.COMMITTED:
            StockMovement.objects.create(variant_id=r.variant_id, location_id=r.location_id, kind=MovementKind.SALE,
                                         quantity=-r.quantity, reference=r.reference)
        r.status, r.closed_at = to, timezone.now()
        r.save(update_fields=["status", "closed_at"])
        if to == ReservationStatus.EXPIRED:
            _publish(ReservationExpired(reservation_id=r.id, variant_id=r.variant_id, location_id=r.location_id,
                                        quantity=r.quantity, reference=r.reference))
        if to == ReservationStatus.COMMITTED:
            item = StockItem.objects.get(variant_id=r.variant_id, location_id=r.location_id)
            _check_low(item)
    return r


def release(*, reservation_id: uuid.UUID) -> Reservation:
    return _close(reservation_id, to=ReservationStatus.RELEASED)


def commit(*, reservation_id: uuid.UUID) -> Reservation:
    """The reserved units are sold: they leave on-hand stock through a sale movement."""
    return _close(reservation_id, to=ReservationStatus.COMMITTED)


def release_by_reference(*, reference: str) -> int:
    ids = list(Reservation.objects.filter(reference=reference, status=ReservationStatus.ACTIVE).values_list("id", flat=True))
    for rid in ids:
        release(reservation_id=rid)
    return len(ids)


def release_expired(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """The beat job: expires active reservations past their time. SKIP LOCKED lets several
    runs (or a checkout committing one) go on without waiting on each other."""
    now = now or timezone.now()
    released = 0
    while released < limit:
        with transaction.atomic():
            batch = list(Reservation.objects.select_for_update(skip_locked=True)
                         .filter(status=ReservationStatus.ACTIVE, expires_at__lte=now).values_list("id", flat=True)[:50])
        if not batch:
            break
        for rid in batch:
            try:
                _close(rid, to=ReservationStatus.EXPIRED)
                released += 1
            except InvalidTransition:
                pass  # committed or released meanwhile
    return released


def sell_now(*, variant_id: uuid.UUID, location_id: uuid.UUID, quantity: int, reference: str) -> None:
    """A sale without a prior reservation (the till): refused if the free stock is short."""
    quantity = _positive(quantity)
    with transaction.atomic():
        taken = StockItem.objects.filter(variant_id=variant_id, location_id=location_id,
                                         on_hand__gte=F("reserved") + quantity).update(on_hand=F("on_hand") - quantity)
        if not taken:
            raise InsufficientStock()
        item = StockItem.objects.get(variant_id=variant_id, location_id=location_id)
        _move(item, MovementKind.SALE, -quantity, reference)
        _check_low(item)


# --- transfers --------------------------------------------------------------------------------

def transfer_request(*, source_id: uuid.UUID, destination_id: uuid.UUID, lines: Iterable[Mapping]) -> Transfer:
    lines = list(lines)
    if not lines:
        raise InvalidInput("A transfer needs lines.", field="lines")
    with transaction.atomic():
        source, destination = _location(source_id), _location(destination_id)
        if source.pk == destination.pk:
            raise InvalidInput("Source and destination differ.", field="destination_id")
        transfer = Transfer.objects.create(source=source, destination=destination)
        for i, line in enumerate(lines):
            q = _positive(line.get("quantity"), field=f"lines[{i}].quantity")
            item = StockItem.objects.filter(variant_id=line.get("variant_id"), location=source).first()
            if item is None:
                raise InvalidInput("This variant has no stock at the source.", field=f"lines[{i}].variant_id")
            TransferLine.objects.create(transfer=transfer, variant_id=item.variant_id, product_id=item.product_id, quantity=q)
    return transfer


def transfer_ship(*, transfer_id: uuid.UUID) -> Transfer:
    """Stock leaves the source (transfer_out) and is in transit until received."""
    with transaction.atomic():
        t = _transfer(transfer_id, TransferStatus.REQUESTED)
        for line in t.lines.all():
            taken = StockItem.objects.filter(variant_id=line.variant_id, location=t.source,
                                             on_hand__gte=F("reserved") + line.quantity).update(on_hand=F("on_hand") - line.quantity)
            if not taken:
                raise InsufficientStock(f"Not enough free stock of {line.variant_id} to ship.", field="lines")
            item = StockItem.objects.get(variant_id=line.variant_id, location=t.source)
            _move(item, MovementKind.TRANSFER_OUT, -line.quantity, f"transfer:{t.pk}")
            _check_low(item)
        t.status, t.shipped_at = TransferStatus.SHIPPED, timezone.now()
        t.save(update_fields=["status", "shipped_at"])
    return t


def transfer_receive(*, transfer_id: uuid.UUID) -> Transfer:
    with transaction.atomic():
        t = _transfer(transfer_id, TransferStatus.SHIPPED)
        for line in t.lines.all():
            item = _item_for_update(line.variant_id, t.destination, line.product_id)
            StockItem.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + line.quantity)
            _move(item, MovementKind.TRANSFER_IN, line.quantity, f"transfer:{t.pk}")
            _check_low(item)
        t.status, t.received_at = TransferStatus.RECEIVED, timezone.now()
        t.save(update_fields=["status", "received_at"])
    return t


def transfer_cancel(*, transfer_id: uuid.UUID) -> Transfer:
    with transaction.atomic():
        t = _transfer(transfer_id, TransferStatus.REQUESTED)
        t.status = TransferStatus.CANCELLED
        t.save(update_fields=["status"])
    return t


def _transfer(transfer_id, expected: str) -> Transfer:
    t = Transfer.objects.select_for_update().filter(pk=transfer_id).select_related("source", "destination").first()
    if t is None:
        raise NotFound("No such transfer.", field="transfer_id")
    if t.status != expected:
        raise InvalidTransition(f"This transfer is {t.status}; it must be {expected}.", field="action")
    return t


# --- the ledger -------------------------------------------------------------------------------

def rebuild_from_ledger() -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """On-hand stock per (variant, location) recomputed from the movements alone."""
    rows = StockMovement.objects.values("variant_id", "location_id").annotate(total=Sum("quantity"))
    return {(r["variant_id"], r["location_id"]): r["total"] for r in rows}


def ledger_mismatches() -> list[tuple[uuid.UUID, uuid.UUID, int, int]]:
    ledger = rebuild_from_ledger()
    out = []
    for item in StockItem.objects.all().only("variant_id", "location_id", "on_hand"):
        expected = ledger.get((item.variant_id, item.location_id), 0)
        if expected != item.on_hand:
            out.append((item.variant_id, item.location_id, item.on_hand, expected))
    return out


def commit_reference(*, reference_prefix: str, sale_reference: str) -> int:
    """Batch commit (checkout): one UPDATE of the stock rows, one insert of the movements, one
    update of the reservations."""
    with transaction.atomic():
        rows = list(Reservation.objects.select_for_update().filter(reference__startswith=reference_prefix,
                                                                   status=ReservationStatus.ACTIVE)
                    .values_list("id", "variant_id", "location_id", "quantity"))
        if not rows:
            return 0
        with connection.cursor() as cursor:
            values = ", ".join(["(%s::uuid, %s::uuid, %s::int)"] * len(rows))
            params = [p for _, v, loc, q in rows for p in (str(v), str(loc), q)]
            cursor.execute(
                f"UPDATE inventory_stockitem s SET on_hand = s.on_hand - x.q, reserved = s.reserved - x.q "
                f"FROM (SELECT v, l, sum(q) AS q FROM (VALUES {values}) AS t(v, l, q) GROUP BY v, l) x "
                f"WHERE s.variant_id = x.v AND s.location_id = x.l", params)
        StockMovement.objects.bulk_create([
            StockMovement(variant_id=v, location_id=loc, kind=MovementKind.SALE, quantity=-q, reference=sale_reference[:100])
            for _, v, loc, q in rows
        ])
        Reservation.objects.filter(id__in=[r[0] for r in rows]).update(status=ReservationStatus.COMMITTED, closed_at=timezone.now())
    return len(rows)


# --- the till ---------------------------------------------------------------------------------

def till_movements(*, location_id: uuid.UUID, lines: list[tuple[uuid.UUID, uuid.UUID, int]], reference: str) -> list[uuid.UUID]:
    """A till's sale (negative delta) or return (positive delta) of (variant, product, delta)
    lines at a shop, in a fixed number of queries whatever the number of lines. A sale is never
    refused: the goods are in the customer's hand, so stock may go below zero; an alert is then
    opened (available < 0: count it), as when stock falls to the reorder point. Rows are locked
    in variant order (no deadlock between two tills). Joins the caller's transaction. Returns
    the variants whose alert was opened."""
    merged: dict[uuid.UUID, list] = {}
    for variant_id, product_id, delta in lines:
        delta = int(delta)
        if delta == 0:
            raise InvalidInput("A stock movement cannot be zero.", field="quantity")
        row = merged.setdefault(uuid.UUID(str(variant_id)), [uuid.UUID(str(product_id)), 0])
        row[1] += delta
    rows = sorted((v, p, d) for v, (p, d) in merged.items() if d)
    if not rows:
        return []
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:  # joins the till's transaction
        values = ", ".join(["(%s::uuid, %s::uuid, %s::uuid, %s::int)"] * len(rows))
        params = [x for v, p, d in rows for x in (str(v), str(p), str(location_id), d)]
        cursor.execute(
            f"INSERT INTO inventory_stockitem (variant_id, product_id, location_id, on_hand, reserved, reorder_point, updated_at) "
            f"SELECT v, p, l, d, 0, 0, now() FROM (VALUES {values}) AS t(v, p, l, d) "
            f"ON CONFLICT (variant_id, location_id) DO UPDATE SET on_hand = inventory_stockitem.on_hand + EXCLUDED.on_hand, "
            f"updated_at = now() RETURNING variant_id, product_id, on_hand - reserved, reorder_point", params)
        after = cursor.fetchall()
        StockMovement.objects.bulk_create([
            StockMovement(variant_id=v, location_id=location_id, kind=MovementKind.SALE if d < 0 else MovementKind.RETURN,
                          quantity=d, reference=reference[:100]) for v, p, d in rows])
        low = sorted((v, p, avail, rp) for v, p, avail, rp in after if avail < 0 or (rp and avail <= rp))
        up = [v for v, p, avail, rp in after if avail >= 0 and not (rp and avail <= rp)]
        opened: list[uuid.UUID] = []
        if low:
            values = ", ".join(["(%s::uuid, %s::uuid, %s::uuid, %s::int, %s::int)"] * len(low))
            cursor.execute(
                f"INSERT INTO inventory_stockalert (variant_id, product_id, location_id, available, reorder_point, is_open, created_at) "
                f"SELECT v, p, l, a, r, true, now() FROM (VALUES {values}) AS t(v, p, l, a, r) "
                f"ON CONFLICT (variant_id, location_id) WHERE is_open DO NOTHING RETURNING variant_id, product_id, available, reorder_point",
                [x for v, p, a, r in low for x in (str(v), str(p), str(location_id), a, r)])
            for v, p, a, r in cursor.fetchall():
                opened.append(v)
                _publish(StockLow(variant_id=v, product_id=p, location_id=location_id, available=a, reorder_point=r))
        if up and any(d > 0 for _, _, d in rows):
            StockAlert.objects.filter(variant_id__in=up, location_id=location_id, is_open=True).update(
                is_open=False, closed_at=timezone.now())
    return opened
