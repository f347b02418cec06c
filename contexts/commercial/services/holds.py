"""The one place that builds and releases a cart's stock holds: inventory holds them for an
owner key it never reads ("cart:<id>"), one hold per variant."""
from __future__ import annotations

import datetime
import uuid

from contexts.inventory import api as inventory_api

RESERVATION_TTL = 30 * 60


def owner(cart_id: uuid.UUID) -> str:
    return f"cart:{cart_id}"


def hold(*, cart_id: uuid.UUID, variant_id: uuid.UUID, quantity: int, held: bool = True) -> None:
    """Holds exactly `quantity` units of the variant for the cart (a new hold replaces the old
    one: inventory never holds more than is there); 0 releases it. `held=False`: the caller
    knows the cart has no hold of this variant (no line of it, read under the cart's row lock:
    a hold and its line are written and removed together), so there is none to look up."""
    if held:
        release(cart_id=cart_id, variant_id=variant_id)
    if quantity > 0:
        inventory_api.reserve(variant_id=variant_id, quantity=quantity, owner=owner(cart_id),
                              reference=f"{owner(cart_id)}:{variant_id}", ttl_seconds=RESERVATION_TTL)


def grow(*, cart_id: uuid.UUID, variant_id: uuid.UUID, by: int, quantity: int) -> None:
    """The cart now wants `quantity` units of a variant it already holds (`by` more): its hold
    grows in place when its location has them, else it is replaced by a new hold of `quantity`."""
    if not inventory_api.grow_held(owner=owner(cart_id), variant_id=variant_id, by=by, ttl_seconds=RESERVATION_TTL):
        hold(cart_id=cart_id, variant_id=variant_id, quantity=quantity)


def release(*, cart_id: uuid.UUID, variant_id: uuid.UUID | None = None) -> int:
    """Gives back the cart's holds (of one variant, or all)."""
    return inventory_api.release_held(owner=owner(cart_id), variant_id=variant_id)


def held(*, cart_id: uuid.UUID) -> dict[uuid.UUID, int]:
    return inventory_api.held_by(owner=owner(cart_id))


def keep_until(*, cart_id: uuid.UUID, until: datetime.datetime) -> int:
    return inventory_api.extend_holds(owner=owner(cart_id), until=until)


def sell(*, cart_id: uuid.UUID, order_id: uuid.UUID) -> int:
    """The cart's holds become the order's sales."""
    return inventory_api.commit_held(owner=owner(cart_id), sale_reference=f"order:{order_id}")
