"""The event outbox over a real Celery worker: tenant-scoped, transactional, recoverable,
exactly-once in effect, dead-lettered when a subscriber gives up."""
import datetime

import pytest
import redis
from celery.beat import ScheduleEntry, Scheduler
from django.conf import settings
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.utils import timezone
from django_tenants.utils import tenant_context
from tenant_schemas_celery.scheduler import TenantAwareSchedulerMixin

from config.celery import app as celery_app
from contexts.core.models import Client
from crm import eventbus, jobs, tasks
from crm.models import DeadLetter, HandledEvent, OutboxEvent
from tests import worker_tasks
from tests.factories.core import StaffFactory
from tests.worker import wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]


def _effects(tenant, prefix, event):
    with tenant_context(tenant):
        return Client.objects.filter(last_name=f"{prefix}-{event.event_id}").count()


def test_event_is_handled_in_its_tenant_and_never_in_another(celery_worker, committed_tenant, second_committed_tenant):
    event = worker_tasks.Pinged(note="bonjour")
    with transaction.atomic():
        eventbus.publish(event)
    wait_until(lambda: _effects(committed_tenant, "ping", event) == 1, message="the subscriber's effect")
    row = Client.objects.get(last_name=f"ping-{event.event_id}")
    assert row.first_name == "gamma"  # the handler ran with gamma's schema active
    assert _effects(second_committed_tenant, "ping", event) == 0
    assert OutboxEvent.objects.get(id=event.event_id).sent_at is not None


def test_a_rolled_back_transaction_publishes_nothing(celery_worker, committed_tenant):
    event = worker_tasks.Pinged()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        eventbus.publish(event)
        1 / 0
    assert not OutboxEvent.objects.filter(id=event.event_id).exists()
    # Publish a later event and wait for it: the first one was never sent meanwhile.
    later = worker_tasks.Pinged()
    with transaction.atomic():
        eventbus.publish(later)
    wait_until(lambda: _effects(committed_tenant, "ping", later) == 1, message="the later event")
    assert _effects(committed_tenant, "ping", event) == 0


def test_publish_outside_a_transaction_is_refused(committed_tenant):
    with pytest.raises(eventbus.NoTransaction):
        eventbus.publish(worker_tasks.Pinged())


def test_a_crash_between_commit_and_send_is_recovered_by_the_resend_job(celery_worker, committed_tenant, monkeypatch):
    event = worker_tasks.Pinged(note="lost")
    monkeypatch.setattr(eventbus, "send", lambda **kw: 0)  # the process died before sending
    with transaction.atomic():
        eventbus.publish(event)
    monkeypatch.undo()
    assert OutboxEvent.objects.get(id=event.event_id).sent_at is None
    assert eventbus.resend_unsent(older_than_seconds=60) == 0  # too recent: may still be in flight
    OutboxEvent.objects.filter(id=event.event_id).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    # The periodic job itself, run by the worker in gamma's schema.
    tasks.resend_unsent_events.apply_async(headers={"_schema_name": "gamma"})
    wait_until(lambda: _effects(committed_tenant, "ping", event) == 1, message="the resent event's effect")
    assert OutboxEvent.objects.get(id=event.event_id).sent_at is not None


def test_a_duplicated_delivery_has_one_effect(celery_worker, committed_tenant):
    event = worker_tasks.Pinged(note="twice")
    with transaction.atomic():
        eventbus.publish(event)
    wait_until(lambda: _effects(committed_tenant, "ping", event) == 1, message="first delivery")
    # Redeliveries (a resend, a broker hiccup, a retried task) through the real worker.
    redeliveries = [
        tasks.run_subscriber.apply_async(kwargs={"event_id": str(event.event_id), "subscriber": "tests.record_ping"},
                                         headers={"_schema_name": "gamma"})
        for _ in range(3)
    ]
    assert [r.get(timeout=20) for r in redeliveries] == ["duplicate"] * 3
    assert _effects(committed_tenant, "ping", event) == 1
    assert HandledEvent.objects.filter(event_id=event.event_id).count() == 1


def test_a_failing_subscriber_is_dead_lettered_and_the_others_still_run(celery_worker, committed_tenant):
    event = worker_tasks.Mixed(note="boom")
    with transaction.atomic():
        eventbus.publish(event)
    wait_until(lambda: _effects(committed_tenant, "mixed", event) == 1, message="the healthy subscriber")
    letter = wait_until(lambda: DeadLetter.objects.filter(event_id=event.event_id).first(), message="the dead letter")
    assert letter.subscriber == "tests.always_fails"
    assert letter.attempts == 3  # first try + 2 retries
    assert "mail server is on fire" in letter.error
    assert not HandledEvent.objects.filter(event_id=event.event_id, subscriber="tests.always_fails").exists()


def test_admin_retry_requeues_a_dead_letter(celery_worker, committed_tenant):
    event = worker_tasks.Mixed(note="heal")  # with note "heal", tests.always_fails succeeds
    with transaction.atomic():
        eventbus.publish(event)
    wait_until(lambda: _effects(committed_tenant, "healed", event) == 1, message="first handling")
    # Rewind: as if tests.always_fails had given up on this event earlier (and since been fixed).
    HandledEvent.objects.filter(event_id=event.event_id, subscriber="tests.always_fails").delete()
    Client.objects.filter(last_name=f"healed-{event.event_id}").delete()
    with transaction.atomic():
        eventbus.dead_letter(event_id=event.event_id, subscriber_name="tests.always_fails", error="earlier", attempts=3)
    letter = DeadLetter.objects.get(event_id=event.event_id)

    staff = StaffFactory(is_superuser=True, role="owner")
    browser = HttpClient(SERVER_NAME="gamma.testserver")
    browser.force_login(staff)
    listing = browser.get("/admin/crm/deadletter/")
    assert listing.status_code == 200 and b"tests.always_fails" in listing.content
    response = browser.post("/admin/crm/deadletter/", {"action": "retry", "_selected_action": [str(letter.pk)]})
    assert response.status_code == 302
    wait_until(lambda: _effects(committed_tenant, "healed", event) == 1, message="the retried subscriber")
    wait_until(lambda: DeadLetter.objects.get(pk=letter.pk).resolved_at is not None, message="resolution")


def test_beat_jobs_run_once_per_tenant_and_a_failing_tenant_does_not_stop_the_others(celery_worker, committed_tenant):
    class Beat(TenantAwareSchedulerMixin, Scheduler):
        pass

    # Our production scheduler fans out with the very same code (after dropping a stored
    # row's `_schema_name`: tests/kernel/test_beat.py runs the real beat).
    assert issubclass(jobs.TenantBeatScheduler, TenantAwareSchedulerMixin)
    run_id = worker_tasks.new_run_id()
    beat = Beat(app=celery_app, lazy=True)
    entry = ScheduleEntry(name="probe", task="tests.beat_probe", schedule=60, app=celery_app,
                          kwargs={"run_id": run_id, "fail_in": "beta"},
                          options={"headers": {"_all_tenants_only": True}})
    connection.set_schema_to_public()
    beat.apply_entry(entry)
    r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    expected = {"alpha", "gamma", "delta"}
    wait_until(lambda: all(r.exists(f"beat-probe:{run_id}:{s}") for s in expected), message="every tenant's run")
    wait_until(lambda: r.exists(f"beat-probe:{run_id}:beta:tried"), message="the failing tenant's try")
    assert not r.exists(f"beat-probe:{run_id}:beta")
    assert not r.exists(f"beat-probe:{run_id}:public:tried")


def test_jobs_are_declared_once_in_code():
    schedule = jobs.beat_schedule()
    assert schedule["crm.resend_unsent_events"]["task"] == "crm.resend_unsent_events"
    assert "finance.render_missing_documents" in schedule
