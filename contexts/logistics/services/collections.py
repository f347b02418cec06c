"""Click and collect: an order handed over at a shop. Its stock is reserved at that shop when
the collection is created; staff prepare it and mark it ready (the customer gets the code);
handing it over needs the code (the reservation becomes a sale); one not collected within
COLLECTION_KEEP_DAYS of being ready is cancelled by beat and its stock released."""
from __future__ import annotations

from django.utils.translation import gettext as _
import datetime
import hmac
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contexts.core import api as core_api
from contexts.inventory import api as inventory_api
from contexts.logistics import events
from contexts.logistics.models import Collection, CollectionStatus
from contexts.logistics.services import notify
from crm import eventbus
from crm.rest.errors import DomainError, InvalidInput, NotFound

C = CollectionStatus


class WrongCode(DomainError):
    code = "wrong_code"
    status_code = 403


class IllegalTransition(DomainError):
    code = "illegal_transition"


def _reference(collection: Collection, variant_id) -> str:
    return f"collect:{collection.id}:{variant_id}"


def _owner(collection: Collection) -> str:
    """The owner of a collection's holds at the shop (an opaque string to inventory)."""
    return f"collect:{collection.id}"


def _payload(c: Collection) -> dict:
    return {"collection_id": c.id, "order_id": c.order_id, "location_id": c.location_id}


def create(*, order_id: uuid.UUID, client_id: uuid.UUID, location_id: uuid.UUID, lines: list[dict]) -> Collection:
    """Reserves the lines at the shop (refused naming the line without stock there)."""
    shop = inventory_api.locations_by_ids(ids=[location_id]).get(location_id)
    if shop is None or not shop.is_active or shop.kind != "shop":
        raise InvalidInput(_("Click and collect is at an active shop."), field="location_id")
    if not lines:
        raise InvalidInput(_("A collection has lines."), field="lines")
    client = core_api.client_summary(client_id=client_id)
    if client is None:
        raise InvalidInput(_("No such client."), field="client_id")
    cleaned = [{"variant_id": str(l["variant_id"]), "quantity": int(l["quantity"])} for l in lines]
    with transaction.atomic():
        if Collection.objects.filter(order_id=order_id).exists():
            raise DomainError(_("This order is already to collect."), field="order_id", code="already_exists")
        collection = Collection.objects.create(order_id=order_id, client_id=client_id, location_id=location_id,
                                               email=client.email, code=f"{secrets.randbelow(10 ** 6):06d}", lines=cleaned)
        ttl = (settings.COLLECTION_KEEP_DAYS + 60) * 86400  # the beat job releases it first
        for i, line in enumerate(cleaned):
            try:
                inventory_api.reserve(variant_id=uuid.UUID(line["variant_id"]), quantity=line["quantity"],
                                      reference=_reference(collection, line["variant_id"]), owner=_owner(collection),
                                      location_id=location_id,
                                      ttl_seconds=ttl)
            except inventory_api.InsufficientStock:
                raise inventory_api.InsufficientStock(_("Not enough stock at this shop."), field=f"lines[{i}].quantity")
    return collection


def _locked(collection_id) -> Collection:
    c = Collection.objects.select_for_update().filter(pk=collection_id).first()
    if c is None:
        raise NotFound(_("No such collection."), field="collection_id")
    return c


def ready(*, collection_id: uuid.UUID) -> Collection:
    with transaction.atomic():
        c = _locked(collection_id)
        if c.status != C.RESERVED:
            raise IllegalTransition(_("A collection %(status)s cannot become ready.") % {"status": c.status}, field="status")
        c.status, c.ready_at = C.READY, timezone.now()
        c.save(update_fields=["status", "ready_at"])
        eventbus.publish(events.CollectionReady(**_payload(c)))
        notify.collection_changed(c, "collection_ready")
    return c


def collect(*, collection_id: uuid.UUID, code: str) -> Collection:
    """Handed over against the order's code: the reserved stock becomes a sale."""
    with transaction.atomic():
        c = _locked(collection_id)
        if c.status != C.READY:
            raise IllegalTransition(_("A collection %(status)s cannot be handed over.") % {"status": c.status}, field="status")
        if not hmac.compare_digest(str(code or "").strip(), c.code):
            raise WrongCode(_("This is not the order's code."), field="code")
        inventory_api.commit_held(owner=_owner(c), sale_reference=f"order:{c.order_id}")
        c.status, c.closed_at = C.COLLECTED, timezone.now()
        c.save(update_fields=["status", "closed_at"])
        eventbus.publish(events.CollectionCollected(**_payload(c)))
        notify.collection_changed(c, "collection_collected")
    return c


def cancel(*, collection_id: uuid.UUID) -> Collection:
    with transaction.atomic():
        c = _locked(collection_id)
        if c.status not in (C.RESERVED, C.READY):
            raise IllegalTransition(_("A collection %(status)s cannot be cancelled.") % {"status": c.status}, field="status")
        inventory_api.release_held(owner=_owner(c))
        c.status, c.closed_at = C.CANCELLED, timezone.now()
        c.save(update_fields=["status", "closed_at"])
        eventbus.publish(events.CollectionCancelled(**_payload(c)))
        notify.collection_changed(c, "collection_cancelled")
    return c


def cancel_uncollected(*, today: datetime.date) -> int:
    """Ready for COLLECTION_KEEP_DAYS full days before `today` and not collected: cancelled."""
    tz = timezone.get_current_timezone()
    limit = datetime.datetime.combine(today - datetime.timedelta(days=settings.COLLECTION_KEEP_DAYS), datetime.time.min, tz)
    ids = list(Collection.objects.filter(status=C.READY, ready_at__lt=limit).values_list("id", flat=True)[:500])
    done = 0
    for collection_id in ids:
        try:
            cancel(collection_id=collection_id)
            done += 1
        except IllegalTransition:
            pass  # collected meanwhile
    return done
