"""The subscriber of every business event ("<context>.*" in config/events.py): one delivery per
endpoint that wants it, sent after commit by a task."""
from __future__ import annotations

from crm import eventbus


def relay(event: eventbus.Envelope) -> None:
    from contexts.engagement.webhooks import services

    services.enqueue_event(event_id=event.event_id, name=event.name, occurred_at=event.occurred_at,
                           payload=event.payload)
