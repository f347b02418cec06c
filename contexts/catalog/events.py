"""Events published by catalog: contracts (add fields, never rename). Plain Python only."""
from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceChanged(Event):
    name = "catalog.price.changed.v1"
    variant_id: uuid.UUID
    product_id: uuid.UUID
    old_price: Decimal
    new_price: Decimal
