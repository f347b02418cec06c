"""The ledger: stock recomputed from the movements alone, and where it disagrees."""
from __future__ import annotations

import uuid

from django.db.models import Sum

from contexts.inventory.models import StockItem, StockMovement


def rebuild_from_ledger() -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """On-hand stock per (variant, location) recomputed from the movements alone."""
    rows = StockMovement.objects.values("variant_id", "location_id").annotate(total=Sum("quantity"))
    return {(r["variant_id"], r["location_id"]): r["total"] for r in rows}


def ledger_mismatches() -> list[tuple[uuid.UUID, uuid.UUID, int, int]]:
    ledger = rebuild_from_ledger()
    out = []
    for item in StockItem.objects.all().only("variant_id", "location_id", "on_hand"):
        expected = ledger.get((item.variant_id, item.location_id), 0)
        if expected != item.on_hand:
            out.append((item.variant_id, item.location_id, item.on_hand, expected))
    return out
