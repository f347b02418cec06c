from __future__ import annotations

import uuid

from django.core.mail import EmailMessage
from django.db import transaction

from contexts.core import api as core_api
from contexts.engagement.models import Notification


def order_confirmation(*, order_id: uuid.UUID, client_id: uuid.UUID, total: str, invoice_number: str) -> Notification | None:
    client = core_api.client_summary(client_id=client_id)
    if client is None or not client.email:
        return None
    subject = f"Votre commande est confirmée (facture {invoice_number})"
    note = Notification.objects.create(kind="order_confirmation", recipient=client.email, subject=subject, related_id=order_id)
    message = EmailMessage(subject=subject, to=[client.email],
                           body=f"Bonjour {client.display_name},\n\nNous avons bien reçu votre paiement de {total} €. "
                                f"Votre facture {invoice_number} est disponible dans votre espace.\n")
    transaction.on_commit(message.send)
    return note
