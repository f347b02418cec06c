"""The carrier's side of a shipment, called from Celery tasks and never inside a transaction:
the label (the shipment becomes shipped when it comes back) and tracking by polling. A carrier
that does not answer raises CarrierUnavailable (the task retries it with backoff; the breaker
stops calling a carrier that keeps failing); one that refuses the request marks the label
failed, and staff may ship again."""
from __future__ import annotations

import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction

from contexts.logistics.gateways import carriers
from contexts.logistics.models import LabelState, Shipment, ShipmentChange, ShipmentStatus
from contexts.logistics.services import shipments

logger = logging.getLogger(__name__)
S = ShipmentStatus
TRACKED = (S.SHIPPED, S.IN_TRANSIT, S.FAILED_DELIVERY)


def fetch_label(*, shipment_id: uuid.UUID | str) -> str:
    """Creates the carrier shipment and its label, stores the PDF with the shipment, which
    becomes shipped. Returns what happened: shipped, refused, skipped or cancelled."""
    shipment = Shipment.objects.select_related("carrier").filter(pk=shipment_id).first()
    if shipment is None or shipment.label_state != LabelState.REQUESTED or shipment.status != S.PACKED:
        return "skipped"
    request = carriers.LabelRequest(
        reference=str(shipment.id), recipient_name=shipment.recipient_name, address_line=shipment.address_line,
        postal_code=shipment.postal_code, city=shipment.city, country=shipment.country, email=shipment.email,
        service=shipment.service, weight_grams=sum(shipment.parcels.values_list("weight_grams", flat=True)) or 1,
        parcels=shipment.parcels.count() or 1)
    gateway = carriers.for_carrier(shipment.carrier)
    try:
        label = gateway.create_label(request=request)  # CarrierUnavailable goes up to the task
    except carriers.CarrierRefused as exc:
        with transaction.atomic():
            locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
            if locked.label_state == LabelState.REQUESTED:
                locked.label_state, locked.label_error = LabelState.FAILED, str(exc)[:200]
                locked.save(update_fields=["label_state", "label_error", "updated_at"])
                ShipmentChange.objects.create(shipment=locked, from_status=locked.status, to_status=locked.status,
                                              note=f"label refused: {exc}"[:200])
        return "refused"
    with transaction.atomic():
        locked = shipments._locked(shipment.pk)
        if locked.status == S.PACKED and locked.label_state == LabelState.REQUESTED:
            locked.label.save(f"{locked.id}.pdf", ContentFile(label.pdf), save=False)
            locked.tracking_number, locked.carrier_reference = label.tracking_number, label.carrier_reference
            locked.label_state = LabelState.READY
            locked.save(update_fields=["label", "tracking_number", "carrier_reference", "label_state", "updated_at"])
            shipments.move(locked, S.SHIPPED, note=f"{locked.carrier.code} {label.tracking_number}")
            return "shipped"
    # Cancelled while the carrier answered: the carrier's shipment is cancelled too (no transaction open).
    gateway.cancel(carrier_reference=label.carrier_reference)
    return "cancelled"


def poll(*, shipment_id: uuid.UUID | str) -> int:
    """Fetches one shipment's tracking from its carrier and applies what is new."""
    shipment = Shipment.objects.select_related("carrier").filter(pk=shipment_id).first()
    if shipment is None or shipment.status not in TRACKED or not shipment.tracking_number:
        return 0
    try:
        updates = carriers.for_carrier(shipment.carrier).tracking(tracking_number=shipment.tracking_number)
    except carriers.CarrierRefused as exc:  # an unknown number, say: the next poll asks again
        logger.warning("carrier refused tracking of shipment %s: %s", shipment.pk, exc)
        return 0
    return shipments.apply_tracking(shipment_id=shipment.pk, updates=updates)


def to_poll() -> list[str]:
    return [str(i) for i in Shipment.objects.filter(status__in=TRACKED, carrier__isnull=False)
            .exclude(tracking_number="").order_by("updated_at").values_list("id", flat=True)[:500]]


def stuck_labels() -> list[str]:
    """Labels requested whose task gave up (a carrier down for long): asked again by the sweep."""
    return [str(i) for i in Shipment.objects.filter(status=S.PACKED, label_state=LabelState.REQUESTED)
            .values_list("id", flat=True)[:200]]
