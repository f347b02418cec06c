"""The customer is told by e-mail at each step (Django's mail, sent after commit: a rolled-back
change mails nobody). Engagement's notifications will take this over."""
from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

SUBJECTS = {
    "to_pick": "Votre commande est en préparation",
    "picked": "Vos articles ont été prélevés",
    "packed": "Votre colis est emballé",
    "shipped": "Votre colis est expédié",
    "in_transit": "Votre colis est en route",
    "delivered": "Votre colis a été livré",
    "failed_delivery": "Votre colis n'a pas pu être livré",
    "returned": "Votre colis nous est revenu",
    "cancelled": "Votre expédition est annulée",
    "collection_ready": "Votre commande vous attend en boutique",
    "collection_collected": "Merci pour votre retrait en boutique",
    "collection_cancelled": "Votre retrait en boutique est annulé",
}


def _send_on_commit(*, to: str, key: str, context: dict) -> None:
    if not to:
        return
    body = render_to_string("logistics/emails/status.txt", {"key": key, **context})
    message = EmailMessage(subject=SUBJECTS[key], body=body, to=[to])
    transaction.on_commit(message.send)


def shipment_changed(shipment) -> None:
    _send_on_commit(to=shipment.email, key=shipment.status, context={"shipment": shipment})


def collection_changed(collection, key: str) -> None:
    _send_on_commit(to=collection.email, key=key, context={"collection": collection})
