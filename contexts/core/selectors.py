from __future__ import annotations

from django.db.models import QuerySet

from contexts.core.models import Client


def client_list() -> QuerySet[Client]:
    return Client.objects.all()
