"""A subscriber's `wanted` check (crm.eventbus.subscribe): no task is queued for an event it does
not want, at the send after commit or at the redelivery; an event nobody wants is delivered at
its send; a check that fails queues the task (the handler decides)."""
from __future__ import annotations

import dataclasses
import datetime
import uuid

import pytest
from django.conf import settings
from django.db import transaction

from crm import eventbus
from crm.events import Event
from crm.models import HandledEvent, OutboxEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class Offered(Event):
    name = "test.offered.v1"
    takers: str = ""  # the letters of the subscribers that want it; "!" breaks c's check


def _takes(letter: str):
    def wanted(envelope: eventbus.Envelope) -> bool:
        if letter == "c" and "!" in envelope.payload["takers"]:
            raise RuntimeError("the check cannot tell")
        return letter in envelope.payload["takers"]

    return wanted


def _nothing(envelope: eventbus.Envelope) -> None:
    pass


for _letter in "abc":
    eventbus.subscribe(Offered.name, name=f"tests.offer_{_letter}", wanted=_takes(_letter))(_nothing)


@pytest.fixture
def queued(monkeypatch):
    """The (event, subscriber) tasks queued, instead of the broker."""
    tasks: list[tuple[uuid.UUID, str]] = []
    monkeypatch.setattr(eventbus, "_run_later", lambda event_id, name, schema: tasks.append((event_id, name)))
    return tasks


def _publish(takers: str, capture) -> OutboxEvent:
    event = Offered(takers=takers)
    with capture(execute=True):
        with transaction.atomic():
            eventbus.publish(event)
    return OutboxEvent.objects.get(id=event.event_id)


def test_only_the_subscribers_that_want_the_event_get_a_task(tenant, queued, django_capture_on_commit_callbacks):
    row = _publish("ab", django_capture_on_commit_callbacks)
    assert sorted(name for _, name in queued) == ["tests.offer_a", "tests.offer_b"]
    assert row.sent_at is not None and row.delivered_at is None  # waits for a and b


def test_an_event_no_subscriber_wants_is_delivered_at_its_send(tenant, queued, django_capture_on_commit_callbacks):
    row = _publish("", django_capture_on_commit_callbacks)
    assert queued == []
    assert row.sent_at is not None and row.delivered_at == row.sent_at
    # The resend job's path (the rows read from the outbox) decides the same.
    unsent = OutboxEvent.objects.create(id=uuid.uuid4(), name=Offered.name, payload={"takers": "z"},
                                        occurred_at=row.occurred_at)
    assert eventbus.send(event_ids=[unsent.id], schema="alpha") == 1
    unsent.refresh_from_db()
    assert queued == [] and unsent.delivered_at == unsent.sent_at


def test_a_check_that_fails_queues_the_task(tenant, queued, django_capture_on_commit_callbacks):
    _publish("!", django_capture_on_commit_callbacks)
    assert [name for _, name in queued] == ["tests.offer_c"]


def test_the_redelivery_sends_again_only_to_the_subscribers_that_want_the_event(tenant, queued,
                                                                                django_capture_on_commit_callbacks):
    row = _publish("a", django_capture_on_commit_callbacks)
    queued.clear()  # a's task was lost
    later = row.sent_at + datetime.timedelta(seconds=settings.EVENTS_REDELIVER_AFTER_SECONDS + 1)
    assert eventbus.redeliver_unhandled(now=later) == 1
    assert queued == [(row.id, "tests.offer_a")]  # b and c never wanted it: not "missing"
    HandledEvent.objects.create(event_id=row.id, subscriber="tests.offer_a")
    assert eventbus.redeliver_unhandled(now=later) == 0
    row.refresh_from_db()
    assert row.delivered_at is not None
