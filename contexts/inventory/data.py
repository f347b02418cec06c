"""The data classes inventory's api returns: frozen, stdlib only."""
from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Availability:
    variant_id: uuid.UUID
    on_hand: int
    reserved: int
    reorder_point: int = 0  # summed over the same locations: "low" at or below it

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class LocationStock:
    location_id: uuid.UUID
    code: str
    kind: str
    variant_id: uuid.UUID
    on_hand: int
    reserved: int


@dataclass(frozen=True)
class LocationSummary:
    id: uuid.UUID
    code: str
    name: str
    kind: str
    is_active: bool
