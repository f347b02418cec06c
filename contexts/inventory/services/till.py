"""A till's stock movements: a sale is never refused (the goods are in the customer's hand),
so stock may go below zero, and an alert asks for a count."""
from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.inventory.events import StockLow
from contexts.inventory.models import MovementKind, StockAlert, StockMovement
from crm import eventbus
from crm.rest.errors import InvalidInput


def till_movements(*, location_id: uuid.UUID, lines: list[tuple[uuid.UUID, uuid.UUID, int]], reference: str) -> list[uuid.UUID]:
    """A till's sale (negative delta) or return (positive delta) of (variant, product, delta)
    lines at a shop, in a fixed number of queries whatever the number of lines. A sale is never
    refused: the goods are in the customer's hand, so stock may go below zero; an alert is then
    opened (available < 0: count it), as when stock falls to the reorder point. Rows are locked
    in variant order (no deadlock between two tills). Joins the caller's transaction. Returns
    the variants whose alert was opened."""
    merged: dict[uuid.UUID, list] = {}
    for variant_id, product_id, delta in lines:
        delta = int(delta)
        if delta == 0:
            raise InvalidInput(_("A stock movement cannot be zero."), field="quantity")
        row = merged.setdefault(uuid.UUID(str(variant_id)), [uuid.UUID(str(product_id)), 0])
        row[1] += delta
    rows = sorted((v, p, d) for v, (p, d) in merged.items() if d)
    if not rows:
        return []
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:  # joins the till's transaction
        values = ", ".join(["(%s::uuid, %s::uuid, %s::uuid, %s::int)"] * len(rows))
        params = [x for v, p, d in rows for x in (str(v), str(p), str(location_id), d)]
        cursor.execute(
            f"INSERT INTO inventory_stockitem (variant_id, product_id, location_id, on_hand, reserved, reorder_point, updated_at) "
            f"SELECT v, p, l, d, 0, 0, now() FROM (VALUES {values}) AS t(v, p, l, d) "
            f"ON CONFLICT (variant_id, location_id) DO UPDATE SET on_hand = inventory_stockitem.on_hand + EXCLUDED.on_hand, "
            f"updated_at = now() RETURNING variant_id, product_id, on_hand - reserved, reorder_point", params)
        after = cursor.fetchall()
        StockMovement.objects.bulk_create([
            StockMovement(variant_id=v, location_id=location_id, kind=MovementKind.SALE if d < 0 else MovementKind.RETURN,
                          quantity=d, reference=reference[:100]) for v, p, d in rows])
        low = sorted((v, p, avail, rp) for v, p, avail, rp in after if avail < 0 or (rp and avail <= rp))
        up = [v for v, p, avail, rp in after if avail >= 0 and not (rp and avail <= rp)]
        opened: list[uuid.UUID] = []
        if low:
            values = ", ".join(["(%s::uuid, %s::uuid, %s::uuid, %s::int, %s::int)"] * len(low))
            cursor.execute(
                f"INSERT INTO inventory_stockalert (variant_id, product_id, location_id, available, reorder_point, is_open, created_at) "
                f"SELECT v, p, l, a, r, true, now() FROM (VALUES {values}) AS t(v, p, l, a, r) "
                f"ON CONFLICT (variant_id, location_id) WHERE is_open DO NOTHING RETURNING variant_id, product_id, available, reorder_point",
                [x for v, p, a, r in low for x in (str(v), str(p), str(location_id), a, r)])
            for v, p, a, r in cursor.fetchall():
                opened.append(v)
                eventbus.publish(StockLow(variant_id=v, product_id=p, location_id=location_id, available=a, reorder_point=r))
        if up and any(d > 0 for _, _, d in rows):
            StockAlert.objects.filter(variant_id__in=up, location_id=location_id, is_open=True).update(
                is_open=False, closed_at=timezone.now())
    return opened
