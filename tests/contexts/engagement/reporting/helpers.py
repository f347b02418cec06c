"""Delivering events to the reporting subscribers in-process, as the worker does (eventbus.handle)."""
from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from django.db import transaction

from crm import eventbus
from crm.events import Event
from crm.models import OutboxEvent


def deliver_reporting(times: int = 1) -> int:
    """Runs every reporting subscriber on every outbox event, `times` times; returns how many handled."""
    handled = 0
    for _ in range(times):
        for row in OutboxEvent.objects.order_by("created_at"):
            for sub in eventbus.subscribers_of(row.name):
                if sub.name.startswith("engagement.reporting."):
                    handled += eventbus.handle(event_id=row.id, subscriber_name=sub.name) == "handled"
    return handled


@dataclasses.dataclass(frozen=True, kw_only=True)
class TicketCompleted(Event):
    """Same name and fields as pos.events.TicketCompleted (branch pos): the contract we read."""

    name = "pos.ticket.completed.v1"
    ticket_id: uuid.UUID
    register_id: uuid.UUID
    location_id: uuid.UUID
    number: int
    cashier_id: int
    customer_id: uuid.UUID | None
    total: Decimal
    total_net: Decimal
    total_vat: Decimal
    business_date: str
    items: tuple = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class TicketReturned(Event):
    name = "pos.ticket.returned.v1"
    ticket_id: uuid.UUID
    original_ticket_id: uuid.UUID | None
    register_id: uuid.UUID
    location_id: uuid.UUID
    number: int
    kind: str
    customer_id: uuid.UUID | None
    total: Decimal
    refund_method: str
    business_date: str
    items: tuple = ()


def publish(event: Event) -> None:
    with transaction.atomic():
        eventbus.publish(event)
