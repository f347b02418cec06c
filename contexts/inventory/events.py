"""Events published by inventory: contracts (add fields, never rename). Plain Python only."""
from __future__ import annotations

import dataclasses
import uuid

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockLow(Event):
    name = "inventory.stock.low.v1"
    variant_id: uuid.UUID
    product_id: uuid.UUID
    location_id: uuid.UUID
    available: int
    reorder_point: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReservationExpired(Event):
    name = "inventory.reservation.expired.v1"
    reservation_id: uuid.UUID
    variant_id: uuid.UUID
    location_id: uuid.UUID
    quantity: int
    reference: str
