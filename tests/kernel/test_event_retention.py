"""Outbox and handled-event rows are pruned after the retention period by a beat job that takes
`now` (issue 12, item 4)."""
import datetime
import uuid


from crm import eventbus, jobs, tasks
from crm.models import HandledEvent, OutboxEvent

NOW = datetime.datetime(2027, 3, 15, 3, 40, tzinfo=datetime.timezone.utc)


def _event(*, age_days: float, delivered: bool) -> OutboxEvent:
    at = NOW - datetime.timedelta(days=age_days)
    row = OutboxEvent.objects.create(id=uuid.uuid4(), name="test.pinged.v1", payload={}, occurred_at=at)
    OutboxEvent.objects.filter(id=row.id).update(created_at=at, sent_at=at, delivered_at=at if delivered else None)
    handled = HandledEvent.objects.create(event_id=row.id, subscriber="tests.record_ping")
    HandledEvent.objects.filter(pk=handled.pk).update(handled_at=at)
    return row


def test_delivered_events_past_the_retention_are_deleted_pending_ones_kept(tenant, settings):
    settings.EVENTS_RETENTION_DAYS = 30
    old = _event(age_days=31, delivered=True)
    recent = _event(age_days=29, delivered=True)
    old_pending = _event(age_days=40, delivered=False)  # a subscriber has not run yet: kept

    assert eventbus.prune(now=NOW) == {"outbox": 1, "handled": 1}

    assert set(OutboxEvent.objects.values_list("id", flat=True)) == {recent.id, old_pending.id}
    assert set(HandledEvent.objects.values_list("event_id", flat=True)) == {recent.id, old_pending.id}
    # A second run has nothing left to do.
    assert eventbus.prune(now=NOW) == {"outbox": 0, "handled": 0}


def test_the_beat_job_takes_now_and_is_scheduled_for_every_tenant(tenant, settings):
    settings.EVENTS_RETENTION_DAYS = 7
    _event(age_days=8, delivered=True)
    assert tasks.prune_event_log.apply(kwargs={"now": NOW.isoformat()}).get() == {"outbox": 1, "handled": 1}
    assert "crm.prune_event_log" in jobs.beat_schedule()
    assert "tenant_schemas" not in jobs.beat_schedule()["crm.prune_event_log"]


def test_an_event_nobody_subscribes_to_is_delivered_when_sent(tenant):
    row = OutboxEvent.objects.create(id=uuid.uuid4(), name="test.nobody.listens.v1", payload={}, occurred_at=NOW)
    assert eventbus.send(event_ids=[row.id], schema="alpha") == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.delivered_at == row.sent_at
