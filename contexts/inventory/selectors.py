"""Inventory reads: a fixed number of queries whatever the number of ids."""
from __future__ import annotations

import uuid
from typing import Iterable

from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from contexts.inventory.data import Availability, LocationStock, LocationSummary
from contexts.inventory.models import Location, Reservation, ReservationStatus, StockAlert, StockItem, StockMovement, Transfer


def availability(*, variant_ids: Iterable[uuid.UUID], location_id: uuid.UUID | None = None,
                 web_only: bool = False) -> dict[uuid.UUID, Availability]:
    """Stock per variant, summed over locations (or one location, or web-serving ones)."""
    ids = list(variant_ids)
    qs = StockItem.objects.filter(variant_id__in=ids)
    if location_id:
        qs = qs.filter(location_id=location_id)
    if web_only:
        qs = qs.filter(location__serves_web=True, location__is_active=True)
    rows = qs.values("variant_id").annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"),
                                            reorder_point=Sum("reorder_point"))
    found = {r["variant_id"]: Availability(r["variant_id"], r["on_hand"], r["reserved"], r["reorder_point"]) for r in rows}
    return {v: found.get(v, Availability(v, 0, 0)) for v in ids}


def products_in_stock(*, web_only: bool = False) -> set[uuid.UUID]:
    """Products with free stock in an active location (`web_only`: a web-serving one)."""
    qs = StockItem.objects.filter(on_hand__gt=F("reserved"), location__is_active=True)
    if web_only:
        qs = qs.filter(location__serves_web=True)
    return set(qs.values_list("product_id", flat=True).distinct())


def held_by(*, owner: str) -> dict[uuid.UUID, int]:
    """Variant -> quantity of the owner's active, unexpired holds (one query)."""
    held: dict[uuid.UUID, int] = {}
    for variant_id, quantity in Reservation.objects.filter(owner=owner, status=ReservationStatus.ACTIVE,
                                                           expires_at__gt=timezone.now()).values_list("variant_id", "quantity"):
        held[variant_id] = held.get(variant_id, 0) + quantity
    return held


def location_list() -> QuerySet[Location]:
    return Location.objects.all()


def stock_of_product(*, product_id: uuid.UUID) -> QuerySet[StockItem]:
    return StockItem.objects.filter(product_id=product_id).select_related("location").order_by("location__code", "variant_id")


def stock_row(*, item_id: int) -> StockItem:
    return StockItem.objects.select_related("location").get(pk=item_id)


def transfer_detail(*, transfer_id: uuid.UUID) -> Transfer:
    return Transfer.objects.prefetch_related("lines").get(pk=transfer_id)


def alert_list() -> QuerySet[StockAlert]:
    return StockAlert.objects.select_related("location")


def stock_by_location(*, variant_ids: Iterable[uuid.UUID]) -> list[LocationStock]:
    """Stock of these variants in each active location, by location code (one query)."""
    rows = (StockItem.objects.filter(variant_id__in=list(variant_ids), location__is_active=True)
            .order_by("location__code", "variant_id")
            .values_list("location_id", "location__code", "location__kind", "variant_id", "on_hand", "reserved"))
    return [LocationStock(*row) for row in rows]


def locations_by_ids(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, LocationSummary]:
    """Locations by id (one query); unknown or malformed ids are left out."""
    keys = []
    for i in ids:
        try:
            keys.append(uuid.UUID(str(i)))
        except ValueError:
            continue
    rows = Location.objects.filter(id__in=keys).values_list("id", "code", "name", "kind", "is_active")
    return {row[0]: LocationSummary(*row) for row in rows}


def open_alerts(*, location_id: uuid.UUID | None = None, variant_ids: Iterable[uuid.UUID] | None = None) -> dict[uuid.UUID, int]:
    """Open stock alerts: variant -> available stock when the alert was opened (one query)."""
    qs = StockAlert.objects.filter(is_open=True)
    if location_id:
        qs = qs.filter(location_id=location_id)
    if variant_ids is not None:
        qs = qs.filter(variant_id__in=list(variant_ids))
    return dict(qs.values_list("variant_id", "available"))


def open_low_stock_alerts() -> int:
    """How many low-stock alerts are open (one per variant and location at most)."""
    return StockAlert.objects.filter(is_open=True).count()


def rebuild_from_ledger() -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """On-hand stock per (variant, location) recomputed from the movements alone."""
    rows = StockMovement.objects.values("variant_id", "location_id").annotate(total=Sum("quantity"))
    return {(r["variant_id"], r["location_id"]): r["total"] for r in rows}


def ledger_mismatches() -> list[tuple[uuid.UUID, uuid.UUID, int, int]]:
    """Where the stock disagrees with its ledger: (variant, location, on hand, from the movements)."""
    ledger = rebuild_from_ledger()
    out = []
    for item in StockItem.objects.all().only("variant_id", "location_id", "on_hand"):
        expected = ledger.get((item.variant_id, item.location_id), 0)
        if expected != item.on_hand:
            out.append((item.variant_id, item.location_id, item.on_hand, expected))
    return out
