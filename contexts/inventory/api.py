"""The published interface of inventory: the only module other contexts may import (with
events.py). Keyword-only functions returning frozen dataclasses or plain values; look-ups run a
fixed number of queries whatever the number of ids."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Iterable

from contexts.inventory.services import InsufficientStock, InvalidTransition  # noqa: F401  (re-exported)
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Availability:
    variant_id: uuid.UUID
    on_hand: int
    reserved: int
    reorder_point: int = 0  # summed over the same locations: "low" at or below it

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def availability(*, variant_ids: Iterable[uuid.UUID], location_id: uuid.UUID | None = None,
                 web_only: bool = False) -> dict[uuid.UUID, Availability]:
    """Stock per variant, summed over locations (or one location, or web-serving ones)."""
    from django.db.models import Sum

    from contexts.inventory.models import StockItem

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
    from django.db.models import F

    from contexts.inventory.models import StockItem

    qs = StockItem.objects.filter(on_hand__gt=F("reserved"), location__is_active=True)
    if web_only:
        qs = qs.filter(location__serves_web=True)
    return set(qs.values_list("product_id", flat=True).distinct())


def reserve(*, variant_id: uuid.UUID, quantity: int, reference: str, location_id: uuid.UUID | None = None,
            ttl_seconds: int = 1200) -> uuid.UUID:
    from contexts.inventory import services

    return services.reserve(variant_id=variant_id, quantity=quantity, reference=reference, location_id=location_id,
                            ttl=datetime.timedelta(seconds=ttl_seconds)).id


def release(*, reservation_id: uuid.UUID) -> None:
    from contexts.inventory import services

    services.release(reservation_id=reservation_id)


def release_reference(*, reference: str) -> int:
    from contexts.inventory import services

    return services.release_by_reference(reference=reference)


def commit(*, reservation_id: uuid.UUID) -> None:
    from contexts.inventory import services

    services.commit(reservation_id=reservation_id)


def sell(*, variant_id: uuid.UUID, location_id: uuid.UUID, quantity: int, reference: str) -> None:
    from contexts.inventory import services

    services.sell_now(variant_id=variant_id, location_id=location_id, quantity=quantity, reference=reference)


def receive(*, variant_id: uuid.UUID, product_id: uuid.UUID, location_id: uuid.UUID, quantity: int,
            reference: str = "") -> None:
    from contexts.inventory import services

    services.receive(variant_id=variant_id, product_id=product_id, location_id=location_id, quantity=quantity,
                     reference=reference)


def set_reorder_point(*, variant_id: uuid.UUID, location_id: uuid.UUID, reorder_point: int) -> None:
    from contexts.inventory import services

    services.set_reorder_point(variant_id=variant_id, location_id=location_id, reorder_point=reorder_point)


def create_location(*, code: str, name: str, kind: str, serves_web: bool = False) -> uuid.UUID:
    from contexts.inventory import services
    from contexts.inventory.models import Location

    existing = Location.objects.filter(code=code).values_list("id", flat=True).first()
    return existing or services.location_create(code=code, name=name, kind=kind, serves_web=serves_web).id


def active_reservations(*, reference_prefix: str) -> dict[uuid.UUID, int]:
    """Variant -> quantity held by the active, unexpired reservations whose reference starts
    with the prefix (one query)."""
    from django.utils import timezone

    from contexts.inventory.models import Reservation

    held: dict[uuid.UUID, int] = {}
    for variant_id, quantity in Reservation.objects.filter(reference__startswith=reference_prefix, status="active",
                                                           expires_at__gt=timezone.now()).values_list("variant_id", "quantity"):
        held[variant_id] = held.get(variant_id, 0) + quantity
    return held


def commit_reference(*, reference_prefix: str, sale_reference: str) -> int:
    """Commits every active reservation whose reference starts with the prefix into sale
    movements, in a fixed number of queries whatever their number."""
    from contexts.inventory import services

    return services.commit_reference(reference_prefix=reference_prefix, sale_reference=sale_reference)


def return_to_stock(*, variant_id: uuid.UUID, quantity: int, reference: str) -> None:
    """Returned goods go back to the web-serving location that stocks the variant."""
    from contexts.inventory import services
    from contexts.inventory.models import MovementKind, StockItem

    item = (StockItem.objects.filter(variant_id=variant_id, location__serves_web=True, location__is_active=True)
            .order_by("location__code").first()) or StockItem.objects.filter(variant_id=variant_id).first()
    if item is None:
        raise services.InvalidInput(_("This variant was never stocked."), field="variant_id")
    services.receive(variant_id=variant_id, product_id=item.product_id, location_id=item.location_id, quantity=quantity,
                     reference=reference, kind=MovementKind.RETURN)


def extend_holds(*, reference_prefix: str, until) -> int:
    """Keeps the active holds whose reference starts with the prefix until `until` at least
    (an order waiting for its payment: 3-D Secure, processing). One UPDATE."""
    from django.db.models import Q

    from contexts.inventory.models import Reservation

    return (Reservation.objects.filter(reference__startswith=reference_prefix, status="active")
            .filter(Q(expires_at__lt=until)).update(expires_at=until))


def open_low_stock_alerts() -> int:
    """How many low-stock alerts are open (one per variant and location at most)."""
    from contexts.inventory.models import StockAlert

    return StockAlert.objects.filter(is_open=True).count()
