"""Helpers for engagement's tests: events are published and delivered to engagement's
subscribers through the bus (eventbus.handle: the record of handled events included), without
a worker; tests/contexts/engagement/test_worker.py uses a real one."""
from __future__ import annotations

import pytest
from django.db import transaction

from crm import eventbus


def deliver(event, *, only: str = "engagement.") -> list[str]:
    """Publishes the event and runs each of engagement's subscribers on it, as a worker would."""
    with transaction.atomic():
        eventbus.publish(event)
    return deliver_id(event.event_id, event.name, only=only)


def deliver_id(event_id, name: str, *, only: str = "engagement.") -> list[str]:
    return [eventbus.handle(event_id=event_id, subscriber_name=s.name)
            for s in eventbus.subscribers_of(name) if s.name.startswith(only)]


def deliver_outbox(name: str, *, only: str = "engagement.") -> None:
    """Delivers the events of that name other contexts' services published in this test."""
    from crm.models import OutboxEvent

    for row in OutboxEvent.objects.filter(name=name).order_by("occurred_at"):
        deliver_id(row.id, name, only=only)


@pytest.fixture
def client_row(tenant):
    from tests.factories.core import PersonClientFactory

    return PersonClientFactory(email="camille@exemple.fr")
