"""Logistics' part of a GDPR request (core orchestrates, through crm.hooks): the person's
shipments (with tracking), click-and-collect orders and postal dispatches.

Erasure: the recipient's name becomes the pseudonym, street address and e-mail are blanked
(postal code, city and country stay: they identify nobody and keep the carrier statistics);
tracking texts and the address block of letters are pseudonymised. A letter's proof of delivery
(a reference, no name) is kept. Shipping labels (PDFs printed with the address) are deleted
from storage once the erasure has committed."""
from __future__ import annotations

from django.db import transaction

from contexts.logistics.models import Collection, Dispatch, Shipment, ShipmentLine, TrackingEvent
from crm.gdpr import REDACTED, Subject, erase_rows, rows


def export(*, subject: Subject) -> dict[str, list[dict]]:
    ids = subject.client_ids
    shipments = Shipment.objects.filter(client_id__in=ids)
    return {
        "shipments": rows(shipments.order_by("created_at"), exclude=["label"]),
        "shipment_lines": rows(ShipmentLine.objects.filter(shipment__in=shipments)),
        "tracking_events": rows(TrackingEvent.objects.filter(shipment__in=shipments)),
        "collections": rows(Collection.objects.filter(client_id__in=ids).order_by("created_at")),
        "postal_dispatches": rows(Dispatch.objects.filter(client_id__in=ids).order_by("created_at")),
    }


def erase(*, subject: Subject) -> dict:
    ids = subject.client_ids
    shipments = Shipment.objects.filter(client_id__in=ids)
    _delete_labels_after_commit([name for name in shipments.exclude(label="").values_list("label", flat=True)])
    shipped = erase_rows(shipments, subject=subject,
                         values={"recipient_name": subject.pseudonym, "address_line": "", "email": "", "label": ""},
                         scrub=["label_error"])
    tracking = erase_rows(TrackingEvent.objects.filter(shipment__in=shipments), subject=subject, scrub=["description"])
    collections = erase_rows(Collection.objects.filter(client_id__in=ids), subject=subject, values={"email": ""})
    letters = erase_rows(Dispatch.objects.filter(client_id__in=ids), subject=subject,
                         values={"address_lines": [subject.pseudonym, REDACTED]}, scrub=["error"])
    return {"counts": {"shipments": len(shipped), "collections": len(collections), "postal_dispatches": len(letters)},
            "object_ids": shipped + tracking + collections + letters}


def _delete_labels_after_commit(names: list[str]) -> None:
    storage = Shipment._meta.get_field("label").storage

    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)
