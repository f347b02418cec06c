"""Plain data returned by engagement's api.py (stdlib only)."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LoyaltyBalance:
    client_id: uuid.UUID
    points: int
    earned_total: int
    tier: str
    value: Decimal
    next_tier: str
    points_to_next_tier: int


@dataclass(frozen=True)
class TimelineItem:
    occurred_at: datetime.datetime
    source: str
    kind: str
    title: str
    amount: Decimal | None
    reference_id: uuid.UUID


@dataclass(frozen=True)
class Health:
    client_id: uuid.UUID
    score: int
    reasons: tuple[str, ...]  # the three that weigh most, heaviest first
    computed_on: datetime.date
