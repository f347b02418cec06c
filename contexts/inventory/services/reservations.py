"""Reservations: stock held for a while for an owner (opaque to inventory), then released,
expired by the beat job, or committed into sales."""
from __future__ import annotations

import datetime
import uuid

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.inventory.events import ReservationExpired
from contexts.inventory.models import MovementKind, Reservation, ReservationStatus, StockItem, StockMovement
from contexts.inventory.services.stock import InsufficientStock, InvalidTransition, _check_low, _location, _positive
from crm import eventbus
from crm.rest.errors import InvalidInput, NotFound
from crm.transactions import joined

DEFAULT_TTL = datetime.timedelta(minutes=20)


def reserve(*, variant_id: uuid.UUID, quantity: int, reference: str, owner: str = "",
            location_id: uuid.UUID | None = None, ttl: datetime.timedelta = DEFAULT_TTL) -> Reservation:
    """Holds stock for a while for its `owner` (opaque here: whoever holds it, e.g. a cart).
    Without a location, takes it from the web-serving location with the most free stock.
    Raises InsufficientStock when nothing can hold it."""
    quantity = _positive(quantity)
    if not reference:
        raise InvalidInput(_("A reservation needs a reference (cart:<id>, order:<id>...)."), field="reference")
    if location_id is None:
        with joined():
            item = _take_freest(variant_id, quantity)
            if item is not None:  # the usual case: the location chosen and the stock taken in one statement
                reservation = Reservation.objects.create(variant_id=variant_id, location_id=item.location_id,
                                                         quantity=quantity, reference=reference[:100], owner=owner[:100],
                                                         expires_at=timezone.now() + ttl)
                _check_low(item, fresh=True, rising=False)
                return reservation
    if location_id is not None:
        candidates = [_location(location_id).pk]
    else:  # the freest location was taken meanwhile (or none can hold it): try each in turn
        candidates = list(StockItem.objects.filter(variant_id=variant_id, location__serves_web=True, location__is_active=True)
                          .annotate(free=F("on_hand") - F("reserved")).order_by("-free").values_list("location_id", flat=True))
    with joined():
        for loc in candidates:
            taken = StockItem.objects.filter(variant_id=variant_id, location_id=loc,
                                             on_hand__gte=F("reserved") + quantity).update(reserved=F("reserved") + quantity)
            if taken:
                reservation = Reservation.objects.create(variant_id=variant_id, location_id=loc, quantity=quantity,
                                                         reference=reference[:100], owner=owner[:100],
                                                         expires_at=timezone.now() + ttl)
                _check_low(StockItem.objects.get(variant_id=variant_id, location_id=loc), fresh=True, rising=False)
                return reservation
    raise InsufficientStock()


def _take_freest(variant_id: uuid.UUID, quantity: int) -> StockItem | None:
    """Holds `quantity` units at the web-serving location with the most free stock, choosing it
    inside the UPDATE; returns the stock row as it is after the change (for the low-stock check),
    or None when nothing was taken. Under concurrency PostgreSQL re-checks `on_hand >= reserved +
    quantity` on the row's latest version, so a location taken meanwhile is skipped (None), never
    oversold; the caller then tries each location in turn."""
    table, loc_table = StockItem._meta.db_table, StockItem._meta.get_field("location").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "reserved" = "reserved" + %s WHERE "id" = ('
            f'SELECT s."id" FROM "{table}" s JOIN "{loc_table}" l ON l."id" = s."location_id" '
            f'WHERE s."variant_id" = %s AND l."serves_web" AND l."is_active" AND s."on_hand" >= s."reserved" + %s '
            f'ORDER BY s."on_hand" - s."reserved" DESC LIMIT 1) AND "on_hand" >= "reserved" + %s '
            f'RETURNING "id", "variant_id", "product_id", "location_id", "on_hand", "reserved", "reorder_point"',
            [quantity, variant_id, quantity, quantity])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, variant, product, location, on_hand, reserved, reorder_point = row
    return StockItem(id=pk, variant_id=variant, product_id=product, location_id=location, on_hand=on_hand,
                     reserved=reserved, reorder_point=reorder_point)


def _close(reservation_id, *, to: str) -> Reservation:
    with joined():
        r = Reservation.objects.select_for_update().filter(pk=reservation_id).first()
        if r is None:
            raise NotFound(_("No such reservation."), field="reservation_id")
        if r.status != ReservationStatus.ACTIVE:
            raise InvalidTransition(_("This reservation is %(status)s.") % {"status": r.status}, field="reservation_id")
        return _close_locked(r, to=to)


def _close_locked(r: Reservation, *, to: str) -> Reservation:
    """Closes an active reservation whose row the caller read with a lock."""
    with joined():
        decrease = {"reserved": F("reserved") - r.quantity}
        if to == ReservationStatus.COMMITTED:
            decrease["on_hand"] = F("on_hand") - r.quantity
        StockItem.objects.filter(variant_id=r.variant_id, location_id=r.location_id).update(**decrease)
        if to == ReservationStatus.COMMITTED:
            StockMovement.objects.create(variant_id=r.variant_id, location_id=r.location_id, kind=MovementKind.SALE,
                                         quantity=-r.quantity, reference=r.reference)
            _check_low(StockItem.objects.get(variant_id=r.variant_id, location_id=r.location_id), rising=False)
        r.status, r.closed_at = to, timezone.now()
        r.save(update_fields=["status", "closed_at"])
        if to == ReservationStatus.EXPIRED:
            eventbus.publish(ReservationExpired(reservation_id=r.id, variant_id=r.variant_id, location_id=r.location_id,
                                        quantity=r.quantity, reference=r.reference))
    return r


def release(*, reservation_id: uuid.UUID) -> Reservation:
    return _close(reservation_id, to=ReservationStatus.RELEASED)


def commit(*, reservation_id: uuid.UUID) -> Reservation:
    """The reserved units are sold: they leave on-hand stock through a sale movement."""
    return _close(reservation_id, to=ReservationStatus.COMMITTED)


def release_held(*, owner: str, variant_id: uuid.UUID | None = None) -> int:
    """Releases the owner's active holds (of one variant, or all)."""
    qs = Reservation.objects.select_for_update().filter(owner=owner, status=ReservationStatus.ACTIVE)
    with joined():  # read and locked in one statement, then each closed without a second read
        held = list(qs.filter(variant_id=variant_id) if variant_id else qs)
        for r in held:
            _close_locked(r, to=ReservationStatus.RELEASED)
    return len(held)


def grow_held(*, owner: str, variant_id: uuid.UUID, by: int, ttl: datetime.timedelta = DEFAULT_TTL) -> bool:
    """Adds `by` units to the owner's one active hold of the variant, at its location, and
    extends it: the hold's row locked, the stock taken and the hold grown in one statement.
    False (nothing changed) when the owner has no active hold of it, or several, or its location
    cannot hold `by` more: the caller then releases and reserves anew. PostgreSQL re-checks
    `on_hand >= reserved + by` on the stock row's latest version: never oversold."""
    by = _positive(by)
    table, stock = Reservation._meta.db_table, StockItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'WITH r AS (SELECT "id", "location_id" FROM "{table}" WHERE "owner" = %(owner)s AND "variant_id" = %(variant)s '
            f'AND "status" = %(active)s FOR UPDATE), '
            f's AS (UPDATE "{stock}" si SET "reserved" = si."reserved" + %(by)s FROM r '
            f'WHERE (SELECT count(*) FROM r) = 1 AND si."variant_id" = %(variant)s AND si."location_id" = r."location_id" '
            f'AND si."on_hand" >= si."reserved" + %(by)s '
            f'RETURNING si."id", si."variant_id", si."product_id", si."location_id", si."on_hand", si."reserved", si."reorder_point"), '
            f'u AS (UPDATE "{table}" res SET "quantity" = res."quantity" + %(by)s, "expires_at" = %(until)s '
            f'FROM r, s WHERE res."id" = r."id") '
            f'SELECT * FROM s',
            {"owner": owner[:100], "variant": variant_id, "active": ReservationStatus.ACTIVE, "by": by,
             "until": timezone.now() + ttl})
        row = cursor.fetchone()
    if row is None:
        return False
    pk, variant, product, location, on_hand, reserved, reorder_point = row
    _check_low(StockItem(id=pk, variant_id=variant, product_id=product, location_id=location, on_hand=on_hand,
                         reserved=reserved, reorder_point=reorder_point), fresh=True, rising=False)
    return True


def release_expired(*, now: datetime.datetime, limit: int = 500) -> int:
    """The beat job: expires active reservations past their time. SKIP LOCKED lets several
    runs (or a checkout committing one) go on without waiting on each other."""
    released = 0
    while released < limit:
        with joined():
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


def commit_held(*, owner: str, sale_reference: str) -> int:
    """The owner's holds are sold (checkout), in a fixed number of queries whatever their
    number: one UPDATE of the stock rows, one insert of the movements, one of the reservations."""
    with joined():
        rows = list(Reservation.objects.select_for_update().filter(owner=owner, status=ReservationStatus.ACTIVE)
                    .values_list("id", "variant_id", "location_id", "quantity"))
        if not rows:
            return 0
        with connection.cursor() as cursor:
            values = ", ".join(["(%s::uuid, %s::uuid, %s::int)"] * len(rows))
            params = [p for _key, v, loc, q in rows for p in (str(v), str(loc), q)]
            cursor.execute(
                f"UPDATE inventory_stockitem s SET on_hand = s.on_hand - x.q, reserved = s.reserved - x.q "
                f"FROM (SELECT v, l, sum(q) AS q FROM (VALUES {values}) AS t(v, l, q) GROUP BY v, l) x "
                f"WHERE s.variant_id = x.v AND s.location_id = x.l", params)
        StockMovement.objects.bulk_create([
            StockMovement(variant_id=v, location_id=loc, kind=MovementKind.SALE, quantity=-q, reference=sale_reference[:100])
            for _key, v, loc, q in rows
        ])
        Reservation.objects.filter(id__in=[r[0] for r in rows]).update(status=ReservationStatus.COMMITTED, closed_at=timezone.now())
    return len(rows)


def extend_holds(*, owner: str, until: datetime.datetime) -> int:
    """Keeps the owner's active holds until `until` at least (an order waiting for its payment:
    3-D Secure, processing). One UPDATE."""
    return (Reservation.objects.filter(owner=owner, status=ReservationStatus.ACTIVE, expires_at__lt=until)
            .update(expires_at=until))
