"""The subscriber of every business event ("<context>.*" in config/events.py): one delivery per
endpoint that wants it, sent after commit by a task. `wanted` spares the task when no active
endpoint of the tenant wants the event (most tenants have none)."""
from __future__ import annotations

from crm import eventbus


def relay(event: eventbus.Envelope) -> None:
    from contexts.engagement.webhooks import services

    services.enqueue_event(event_id=event.event_id, name=event.name, occurred_at=event.occurred_at,
                           payload=event.payload)


def wanted(event: eventbus.Envelope) -> bool:
    from contexts.engagement.webhooks import services

    return services.wants_event(name=event.name)
