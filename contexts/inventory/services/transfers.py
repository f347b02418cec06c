"""Transfers between locations: requested, shipped (stock leaves the source), received."""
from __future__ import annotations

import uuid
from typing import Iterable, Mapping

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.inventory.models import MovementKind, StockItem, Transfer, TransferLine, TransferStatus
from contexts.inventory.services.stock import InvalidTransition, _check_low, _item_for_update, _location, _move, _positive, decrease
from crm.rest.errors import InvalidInput, NotFound


def transfer_request(*, source_id: uuid.UUID, destination_id: uuid.UUID, lines: Iterable[Mapping]) -> Transfer:
    lines = list(lines)
    if not lines:
        raise InvalidInput(_("A transfer needs lines."), field="lines")
    with transaction.atomic():
        source, destination = _location(source_id), _location(destination_id)
        if source.pk == destination.pk:
            raise InvalidInput(_("Source and destination differ."), field="destination_id")
        transfer = Transfer.objects.create(source=source, destination=destination)
        for i, line in enumerate(lines):
            q = _positive(line.get("quantity"), field=f"lines[{i}].quantity")
            item = StockItem.objects.filter(variant_id=line.get("variant_id"), location=source).first()
            if item is None:
                raise InvalidInput(_("This variant has no stock at the source."), field=f"lines[{i}].variant_id")
            TransferLine.objects.create(transfer=transfer, variant_id=item.variant_id, product_id=item.product_id, quantity=q)
    return transfer


def transfer_ship(*, transfer_id: uuid.UUID) -> Transfer:
    """Stock leaves the source (transfer_out) and is in transit until received."""
    with transaction.atomic():
        t = _transfer(transfer_id, TransferStatus.REQUESTED)
        for line in t.lines.all():
            decrease(line.variant_id, t.source_id, line.quantity, MovementKind.TRANSFER_OUT, f"transfer:{t.pk}",
                     short=_("Not enough free stock of %(variant_id)s to ship.") % {"variant_id": line.variant_id})
        t.status, t.shipped_at = TransferStatus.SHIPPED, timezone.now()
        t.save(update_fields=["status", "shipped_at"])
    return t


def transfer_receive(*, transfer_id: uuid.UUID) -> Transfer:
    with transaction.atomic():
        t = _transfer(transfer_id, TransferStatus.SHIPPED)
        for line in t.lines.all():
            item = _item_for_update(line.variant_id, t.destination, line.product_id)
            StockItem.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + line.quantity)
            _move(item, MovementKind.TRANSFER_IN, line.quantity, f"transfer:{t.pk}")
            _check_low(item)
        t.status, t.received_at = TransferStatus.RECEIVED, timezone.now()
        t.save(update_fields=["status", "received_at"])
    return t


def transfer_cancel(*, transfer_id: uuid.UUID) -> Transfer:
    with transaction.atomic():
        t = _transfer(transfer_id, TransferStatus.REQUESTED)
        t.status = TransferStatus.CANCELLED
        t.save(update_fields=["status"])
    return t


def _transfer(transfer_id, expected: str) -> Transfer:
    t = Transfer.objects.select_for_update().filter(pk=transfer_id).select_related("source", "destination").first()
    if t is None:
        raise NotFound(_("No such transfer."), field="transfer_id")
    if t.status != expected:
        raise InvalidTransition(_("This transfer is %(status)s; it must be %(expected)s.") % {"status": t.status, "expected": expected}, field="action")
    return t
