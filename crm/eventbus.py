"""Publish events through a transactional outbox; run each subscriber as its own Celery task.

    # contexts/inventory/events.py          (plain data, the contract)
    @dataclass(frozen=True, kw_only=True)
    class StockLow(Event):
        name = "inventory.stock.low.v1"
        variant_id: uuid.UUID
        ...

    # contexts/inventory/services.py        (inside the command's transaction)
    eventbus.publish(StockLow(variant_id=..., ...))

    # contexts/engagement/handlers.py       (imported by EngagementConfig.ready)
    @eventbus.subscribe("inventory.stock.low.v1")
    def notify_buyer(event: eventbus.Envelope) -> None:
        services.notify_low_stock(variant_id=event.payload["variant_id"])

Guarantees: nothing is sent unless the publisher's transaction commits; every committed event
reaches every subscriber that wants it (`subscribe`'s `wanted` check) at least once (sent on commit; resent by a periodic job if the send was
lost, or if a subscriber's task was lost after the send: an event counts as delivered only when
each of its subscribers handled it or gave up on it); each subscriber's effect happens once (the (event, subscriber) pair is recorded in the
subscriber's transaction); a subscriber failing does not stop the others; after its retries it
lands in the dead-letter list (admin, with a retry action).
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
import random
import uuid
from typing import Any, Callable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import Counter

from crm import tenancy
from crm.events import Event
from crm.models import DeadLetter, HandledEvent, OutboxEvent
from crm.observability import current_request_id

logger = logging.getLogger(__name__)

EVENTS_PUBLISHED = Counter("comptoir_events_published_total", "Events written to the outbox", ["event"])
EVENTS_HANDLED = Counter("comptoir_events_handled_total", "Events handled by a subscriber", ["event", "subscriber"])
EVENTS_FAILED = Counter("comptoir_events_dead_lettered_total", "Subscribers that gave up on an event", ["event", "subscriber"])


@dataclasses.dataclass(frozen=True)
class Envelope:
    """What a subscriber receives: the event's id, name, time and JSON payload."""

    event_id: uuid.UUID
    name: str
    occurred_at: datetime.datetime
    payload: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Subscriber:
    name: str
    event_name: str
    fn: Callable[[Envelope], None]
    max_retries: int
    backoff_seconds: float
    backoff_max_seconds: float
    wanted: Callable[[Envelope], bool] | None = None

    def wants(self, envelope: Envelope) -> bool:
        """Whether this event is worth a task for this subscriber (see `subscribe`'s `wanted`).
        A check that fails says yes: the subscriber then runs and decides on its own."""
        if self.wanted is None:
            return True
        try:
            return bool(self.wanted(envelope))
        except Exception:
            logger.exception("subscriber %s: its `wanted` check failed on %s; the task is queued", self.name,
                             envelope.name)
            return True

    def countdown(self, retries: int) -> float:
        """Exponential backoff with jitter: base x 2^retries, capped, +/- 25 %."""
        delay = min(self.backoff_max_seconds, self.backoff_seconds * (2 ** retries))
        return delay * random.uniform(0.75, 1.25)


_SUBSCRIBERS: dict[str, Subscriber] = {}


def subscribe(event_name: str, *, name: str | None = None, max_retries: int = 6,
              backoff_seconds: float = 2.0, backoff_max_seconds: float = 600.0,
              wanted: Callable[[Envelope], bool] | None = None):
    """Registers a subscriber of `event_name` (registered at import: put subscribers in a
    context's handlers.py, imported by its AppConfig.ready). `"<context>.*"` subscribes to every
    event whose name starts with "<context>." (docs/events.md, "Every event of a context").

    `wanted(envelope) -> bool`, when given, is asked before a task is queued for an event (at the
    send after commit, and by the redelivery job): False queues nothing and records nothing for
    this subscriber, as if it did not listen to that event. It runs in the publisher's process
    right after its commit, so it must be cheap and must not query the database: it reads the
    payload, or a flag the subscriber's context caches (the webhook relay asks whether the
    tenant has an endpoint for the event). The handler keeps its own checks: a task queued
    anyway (a redelivery, a dead letter retried) still does the right thing."""

    def register(fn: Callable[[Envelope], None]):
        sub_name = name or f"{fn.__module__}.{fn.__qualname__}"
        _SUBSCRIBERS[sub_name] = Subscriber(sub_name, event_name, fn, max_retries, backoff_seconds, backoff_max_seconds,
                                            wanted)
        return fn

    return register


def subscribe_table(table: dict) -> None:
    """Registers the subscribers of the one table (config/events.py): {event name: [(subscriber
    name, dotted path of its handler, options of `subscribe`)]}; a `wanted` option is a dotted
    path too."""
    for event_name, rows in table.items():
        for name, handler, options in rows:
            options = dict(options)
            if isinstance(options.get("wanted"), str):
                options["wanted"] = import_string(options["wanted"])
            subscribe(event_name, name=name, **options)(import_string(handler))


def is_pattern(event_name: str) -> bool:
    """"core.*" subscribes to every event of a context (outgoing webhooks relay them all)."""
    return event_name.endswith(".*")


def matches(subscribed: str, event_name: str) -> bool:
    return subscribed == event_name or (is_pattern(subscribed) and event_name.startswith(subscribed[:-1]))


def subscribers_of(event_name: str) -> list[Subscriber]:
    return [s for s in _SUBSCRIBERS.values() if matches(s.event_name, event_name)]


def subscribers_wanting(envelope: Envelope) -> list[Subscriber]:
    """The subscribers of the event that want this one (their `wanted` check): a task each."""
    return [s for s in subscribers_of(envelope.name) if s.wants(envelope)]


def get_subscriber(name: str) -> Subscriber | None:
    return _SUBSCRIBERS.get(name)


class NoTransaction(RuntimeError):
    """publish() outside a transaction could send an event for data that is never committed."""


def publish(event: Event) -> None:
    """Writes the event to the current schema's outbox inside the caller's transaction; after
    commit, sends one task per subscriber with the schema name."""
    if not isinstance(event, Event):
        raise TypeError(f"{event!r} is not an Event")
    if not transaction.get_connection().in_atomic_block:
        raise NoTransaction("publish() must be called inside transaction.atomic()")
    payload = event.payload()
    OutboxEvent.objects.create(id=event.event_id, name=event.name, payload=payload,
                               occurred_at=event.occurred_at, request_id=current_request_id()[:64])
    EVENTS_PUBLISHED.labels(event=event.name).inc()
    _after_commit_batch(tenancy.current_schema()).append(Envelope(event.event_id, event.name, event.occurred_at, payload))


class _SendBatch(list):
    """The events (envelopes) one transaction published in one schema, sent together after its
    commit."""

    def __init__(self, schema: str):
        super().__init__()
        self.schema = schema
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        send(event_ids=[e.event_id for e in self], schema=self.schema, envelopes=list(self))


def _after_commit_batch(schema: str) -> _SendBatch:
    connection = transaction.get_connection()
    batch = getattr(connection, "_outbox_send_batch", None)
    # A batch whose callback is gone (its transaction or savepoint rolled back) or already ran
    # (a test's captured callbacks stay in the list) is not reused: the next event starts a new one.
    if (batch is None or batch.ran or batch.schema != schema
            or not any(cb is batch for _, cb, *_ in connection.run_on_commit)):
        batch = _SendBatch(schema)
        connection._outbox_send_batch = batch
        transaction.on_commit(batch)
    return batch


def _dispatch(row, subscribers: list[Subscriber], schema: str) -> None:
    for sub in subscribers:
        _run_later(row.id, sub.name, schema)


def _run_later(event_id, subscriber_name: str, schema: str) -> None:
    from crm import tasks

    tasks.run_subscriber.apply_async(kwargs={"event_id": str(event_id), "subscriber": subscriber_name},
                                     headers={"_schema_name": schema})


def send(*, event_ids: list[uuid.UUID], schema: str, envelopes: list[Envelope] | None = None) -> int:
    """Sends committed outbox rows to their subscribers (one task each) and marks them sent.
    Safe to repeat: subscribers record what they handled.

    Which subscribers get a task is decided first, from the events (`envelopes`, given by the
    publishing transaction; read from the outbox otherwise): those of the event's name that want
    it (`subscribe`'s `wanted`). Then one statement: the rows are marked sent (delivered at once
    when no subscriber gets a task) by an UPDATE that returns them; only committed rows are
    found, so an event of a rolled-back savepoint is not sent. A row whose tasks could not be
    queued (broker down) is marked unsent again for the periodic resend job; a process killed
    between the UPDATE and the queueing leaves a sent, undelivered row that
    `redeliver_unhandled` sends again."""
    if not event_ids:
        return 0
    now = timezone.now()
    if envelopes is None:
        envelopes = [Envelope(row.id, row.name, row.occurred_at, row.payload) for row in
                     OutboxEvent.objects.filter(id__in=event_ids).only("id", "name", "occurred_at", "payload")]
    runs = {e.event_id: subscribers_wanting(e) for e in envelopes}
    heard = [event_id for event_id, subscribers in runs.items() if subscribers]
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"UPDATE {OutboxEvent._meta.db_table} SET sent_at = %s, send_attempts = send_attempts + 1, "
            "delivered_at = CASE WHEN id = ANY(%s) THEN NULL ELSE %s END "
            "WHERE id = ANY(%s) RETURNING id, name",
            [now, heard, now, list(event_ids)])
        rows = [OutboxEvent(id=row_id, name=name) for row_id, name in cursor.fetchall()]
    failed = []
    for row in rows:
        subscribers = runs.get(row.id)
        if not subscribers:
            continue
        try:
            _dispatch(row, subscribers, schema)
        except Exception:  # broker down: the periodic resend job will try again
            logger.exception("could not send event %s; it will be resent", row.id)
            failed.append(row.id)
    if failed:
        OutboxEvent.objects.filter(id__in=failed).update(sent_at=None, delivered_at=None)
    return len(rows) - len(failed)


def resend_unsent(*, now: datetime.datetime | None = None, older_than_seconds: int = 30, limit: int = 500) -> int:
    """The periodic job: sends outbox rows committed but never sent (a crash or a broker outage
    between commit and send), then redelivers sent events whose subscribers never ran."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=older_than_seconds)
    ids = list(OutboxEvent.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
               .order_by("created_at").values_list("id", flat=True)[:limit])
    sent = send(event_ids=ids, schema=tenancy.current_schema()) if ids else 0
    return sent + redeliver_unhandled(now=now, limit=limit)


def redeliver_unhandled(*, now: datetime.datetime, limit: int = 500) -> int:
    """Sent events are checked once `EVENTS_REDELIVER_AFTER_SECONDS` have passed since their
    send (longer than a subscriber's whole retry chain): when every subscriber handled the event
    or dead-lettered it, the row is marked delivered; the subscribers that did neither (their
    task was lost: a worker killed, a broker that lost the message) are sent it again. Returns
    the number of events sent again."""
    cutoff = now - datetime.timedelta(seconds=settings.EVENTS_REDELIVER_AFTER_SECONDS)
    rows = list(OutboxEvent.objects.filter(sent_at__isnull=False, delivered_at__isnull=True, sent_at__lte=cutoff)
                .order_by("sent_at").only("id", "name", "occurred_at", "payload")[:limit])
    if not rows:
        return 0
    ids = [row.id for row in rows]
    done: dict[uuid.UUID, set[str]] = {}
    for event_id, subscriber in [*HandledEvent.objects.filter(event_id__in=ids).values_list("event_id", "subscriber"),
                                 *DeadLetter.objects.filter(event_id__in=ids).values_list("event_id", "subscriber")]:
        done.setdefault(event_id, set()).add(subscriber)
    delivered, resent = [], 0
    schema = tenancy.current_schema()
    for row in rows:
        envelope = Envelope(row.id, row.name, row.occurred_at, row.payload)
        missing = [sub for sub in subscribers_wanting(envelope) if sub.name not in done.get(row.id, set())]
        if not missing:
            delivered.append(row.id)
            continue
        logger.warning("event %s %s: subscribers %s never ran; sending it again", row.name, row.id,
                       ", ".join(sub.name for sub in missing))
        try:
            _dispatch(row, missing, schema)
        except Exception:
            logger.exception("could not resend event %s", row.id)
            continue
        OutboxEvent.objects.filter(id=row.id).update(sent_at=timezone.now(), send_attempts=F("send_attempts") + 1)
        resent += 1
    if delivered:
        OutboxEvent.objects.filter(id__in=delivered).update(delivered_at=now)
    return resent


def prune(*, now: datetime.datetime, retention_days: int | None = None, batch: int = 5000) -> dict[str, int]:
    """Deletes delivered outbox rows and handled-event records older than the retention period
    (`EVENTS_RETENTION_DAYS`). What is still pending (not delivered) is kept, and so are the
    handled records of pending events, so a redelivery still finds them."""
    days = settings.EVENTS_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = now - datetime.timedelta(days=days)
    counts = {"outbox": 0, "handled": 0}
    pending = OutboxEvent.objects.filter(delivered_at__isnull=True).values("id")
    for key, queryset in (
        ("outbox", OutboxEvent.objects.filter(delivered_at__lt=cutoff)),
        ("handled", HandledEvent.objects.filter(handled_at__lt=cutoff).exclude(event_id__in=pending)),
    ):
        while True:  # in batches: short transactions, no long lock on a big table
            ids = list(queryset.values_list("pk", flat=True)[:batch])
            if not ids:
                break
            counts[key] += queryset.model.objects.filter(pk__in=ids).delete()[0]
    return counts


def handle(*, event_id: uuid.UUID | str, subscriber_name: str) -> str:
    """Runs one subscriber on one event, once: returns "handled" or "duplicate"."""
    sub = get_subscriber(subscriber_name)
    if sub is None:
        raise LookupError(f"no subscriber named {subscriber_name}")
    row = OutboxEvent.objects.get(id=event_id)
    envelope = Envelope(event_id=row.id, name=row.name, occurred_at=row.occurred_at, payload=row.payload)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Blocks while another delivery of the same pair is in flight; inserts nothing if
            # it was handled already.
            cursor.execute(
                "INSERT INTO crm_handledevent (event_id, subscriber, handled_at) VALUES (%s, %s, now()) "
                "ON CONFLICT (event_id, subscriber) DO NOTHING RETURNING id",
                [str(row.id), sub.name],
            )
            if cursor.fetchone() is None:
                return "duplicate"
        sub.fn(envelope)
        DeadLetter.objects.filter(event_id=row.id, subscriber=sub.name, resolved_at__isnull=True).update(resolved_at=timezone.now())
    EVENTS_HANDLED.labels(event=row.name, subscriber=sub.name).inc()
    return "handled"


def dead_letter(*, event_id: uuid.UUID | str, subscriber_name: str, error: str, attempts: int) -> None:
    row = OutboxEvent.objects.get(id=event_id)
    DeadLetter.objects.create(event_id=row.id, event_name=row.name, subscriber=subscriber_name,
                              payload=row.payload, error=error[:5000], attempts=attempts)
    EVENTS_FAILED.labels(event=row.name, subscriber=subscriber_name).inc()
    logger.error("subscriber %s gave up on %s %s after %s attempts: %s", subscriber_name, row.name, row.id, attempts, error[:500])


def retry_dead_letter(*, dead_letter_id: uuid.UUID) -> None:
    letter = DeadLetter.objects.get(id=dead_letter_id)
    letter.retried_at = timezone.now()
    letter.save(update_fields=["retried_at"])
    schema = tenancy.current_schema()
    transaction.on_commit(lambda: _run_later(letter.event_id, letter.subscriber, schema))
