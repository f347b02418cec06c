"""Core commands: validate, write, publish."""
from __future__ import annotations

from django.db import transaction

from contexts.core.events import ClientCreated
from contexts.core.models import Client
from crm import eventbus


def client_create(*, kind: str, first_name: str = "", last_name: str = "", company_name: str = "",
                  email: str = "", phone: str = "", city: str = "", postal_code: str = "", siren: str = "") -> Client:
    client = Client(kind=kind, first_name=first_name, last_name=last_name, company_name=company_name,
                    email=email, phone=phone, city=city, postal_code=postal_code, siren=siren)
    client.full_clean()
    with transaction.atomic():
        client.save()
        eventbus.publish(ClientCreated(client_id=client.id))
    return client
