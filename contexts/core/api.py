"""The published interface of core: the only module other contexts may import (with events.py).

Functions take keyword arguments and return plain values or frozen dataclasses."""
from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class ClientSummary:
    id: uuid.UUID
    kind: str
    display_name: str
    email: str


def clients_by_ids(*, ids: list[uuid.UUID]) -> dict[uuid.UUID, ClientSummary]:
    """One query whatever the number of ids."""
    from contexts.core.models import Client

    return {
        c.id: ClientSummary(id=c.id, kind=c.kind, display_name=c.display_name, email=c.email)
        for c in Client.objects.filter(id__in=ids)
    }


def create_client(*, kind: str, email: str = "", first_name: str = "", last_name: str = "",
                  company_name: str = "", city: str = "", postal_code: str = "", phone: str = "") -> uuid.UUID:
    from contexts.core import services

    return services.client_create(kind=kind, email=email, first_name=first_name, last_name=last_name,
                                  company_name=company_name, city=city, postal_code=postal_code, phone=phone).id
