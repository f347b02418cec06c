"""The frozen data classes logistics.api returns. Standard library only."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ShipmentSummary:
    id: uuid.UUID
    order_id: uuid.UUID
    location_id: uuid.UUID
    status: str
    carrier: str
    tracking_number: str


@dataclass(frozen=True)
class ShippingQuote:
    carrier: str
    service: str
    price: Decimal


@dataclass(frozen=True)
class DispatchSummary:
    id: uuid.UUID
    kind: str
    status: str
    cost: Decimal | None
    proof: str
