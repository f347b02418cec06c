"""The published interface of inventory: the only module other contexts may import (with
events.py). Keyword-only functions that delegate to a service or a selector, returning plain
values or the frozen data classes of data.py. A hold's `owner` is the caller's opaque key (a
cart, an order): inventory never reads it."""
from __future__ import annotations

import datetime
import uuid
from typing import Iterable

from contexts.inventory.data import Availability, LocationStock, LocationSummary  # noqa: F401  (returned)
from contexts.inventory.services.stock import InsufficientStock, InvalidTransition  # noqa: F401  (raised)
from django.utils.translation import gettext as _

from contexts.inventory import selectors
from contexts.inventory.services import reservations, stock, till
from crm.rest.errors import InvalidInput  # noqa: F401  (raised)


def availability(*, variant_ids: Iterable[uuid.UUID], location_id: uuid.UUID | None = None,
                 web_only: bool = False) -> dict[uuid.UUID, Availability]:
    """Stock per variant, summed over locations (or one location, or web-serving ones)."""
    return selectors.availability(variant_ids=variant_ids, location_id=location_id, web_only=web_only)


def products_in_stock(*, web_only: bool = False) -> set[uuid.UUID]:
    """Products with free stock in an active location (`web_only`: a web-serving one)."""
    return selectors.products_in_stock(web_only=web_only)


def reserve(*, variant_id: uuid.UUID, quantity: int, reference: str, owner: str = "",
            location_id: uuid.UUID | None = None, ttl_seconds: int = 1200) -> uuid.UUID:
    return reservations.reserve(variant_id=variant_id, quantity=quantity, reference=reference, owner=owner,
                                location_id=location_id, ttl=datetime.timedelta(seconds=ttl_seconds)).id


def release_held(*, owner: str, variant_id: uuid.UUID | None = None) -> int:
    """Releases the owner's active holds (of one variant, or all); returns how many."""
    return reservations.release_held(owner=owner, variant_id=variant_id)


def grow_held(*, owner: str, variant_id: uuid.UUID, by: int, ttl_seconds: int = 1200) -> bool:
    """Adds `by` units to the owner's one active hold of the variant (at its location) and
    extends it, in one statement; False, with nothing changed, when that is not possible (no or
    several holds, or the location lacks the units): release and reserve anew then."""
    return reservations.grow_held(owner=owner, variant_id=variant_id, by=by, ttl=datetime.timedelta(seconds=ttl_seconds))


def held_by(*, owner: str) -> dict[uuid.UUID, int]:
    """Variant -> quantity held by the owner's active, unexpired holds (one query)."""
    return selectors.held_by(owner=owner)


def commit_held(*, owner: str, sale_reference: str) -> int:
    """The owner's active holds become sales, in a fixed number of queries whatever their number."""
    return reservations.commit_held(owner=owner, sale_reference=sale_reference)


def extend_holds(*, owner: str, until: datetime.datetime) -> int:
    """Keeps the owner's active holds until `until` at least (one UPDATE)."""
    return reservations.extend_holds(owner=owner, until=until)


def receive(*, variant_id: uuid.UUID, product_id: uuid.UUID, location_id: uuid.UUID, quantity: int,
            reference: str = "") -> None:
    stock.receive(variant_id=variant_id, product_id=product_id, location_id=location_id, quantity=quantity,
                  reference=reference)


def return_to_stock(*, variant_id: uuid.UUID, quantity: int, reference: str) -> None:
    """Returned goods go back to the web-serving location that stocks the variant."""
    stock.return_to_stock(variant_id=variant_id, quantity=quantity, reference=reference)


def set_stock_level(*, variant_id: uuid.UUID, product_id: uuid.UUID, location_id: uuid.UUID, quantity: int,
                    reference: str) -> int:
    """On-hand stock set to what another system counted (a sales channel's import): the
    difference goes to the ledger as a count. Returns the on-hand stock."""
    return stock.count(variant_id=variant_id, location_id=location_id, counted=quantity, reference=reference,
                       product_id=product_id).on_hand


def set_reorder_point(*, variant_id: uuid.UUID, location_id: uuid.UUID, reorder_point: int) -> None:
    stock.set_reorder_point(variant_id=variant_id, location_id=location_id, reorder_point=reorder_point)


def create_location(*, code: str, name: str, kind: str, serves_web: bool = False) -> uuid.UUID:
    """The location with this code (created when missing)."""
    return stock.location_ensure(code=code, name=name, kind=kind, serves_web=serves_web).id


def stock_by_location(*, variant_ids: Iterable[uuid.UUID]) -> list[LocationStock]:
    """Stock of these variants in each active location: what a fulfilment rule chooses from."""
    return selectors.stock_by_location(variant_ids=variant_ids)


def locations_by_ids(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, LocationSummary]:
    """Locations by id (one query); unknown ids are left out."""
    return selectors.locations_by_ids(ids=ids)


def till_sale(*, location_id: uuid.UUID, lines: list[tuple[uuid.UUID, uuid.UUID, int]], reference: str) -> list[uuid.UUID]:
    """A till's sale of (variant, product, quantity) lines at a shop: never refused for lack of
    recorded stock (it may go negative, and an alert is opened). Fixed number of queries; joins
    the caller's transaction. Returns the variants whose stock alert was opened."""
    _check_quantities(lines)
    return till.till_movements(location_id=location_id, lines=[(v, p, -int(q)) for v, p, q in lines], reference=reference)


def till_return(*, location_id: uuid.UUID, lines: list[tuple[uuid.UUID, uuid.UUID, int]], reference: str) -> None:
    """Goods returned at a till go back to that shop's stock. Fixed number of queries."""
    _check_quantities(lines)
    till.till_movements(location_id=location_id, lines=[(v, p, int(q)) for v, p, q in lines], reference=reference)


def _check_quantities(lines) -> None:
    for i, (_variant, _product, q) in enumerate(lines):
        if int(q) <= 0:
            raise InvalidInput(_("Quantities are positive."), field=f"lines[{i}].quantity")


def open_alerts(*, location_id: uuid.UUID | None = None, variant_ids: Iterable[uuid.UUID] | None = None) -> dict[uuid.UUID, int]:
    """Open stock alerts: variant -> available stock when the alert was opened (one query)."""
    return selectors.open_alerts(location_id=location_id, variant_ids=variant_ids)


def open_low_stock_alerts() -> int:
    """How many low-stock alerts are open (one per variant and location at most)."""
    return selectors.open_low_stock_alerts()
