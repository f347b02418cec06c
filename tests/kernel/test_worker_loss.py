"""Work in flight when a worker is killed (issue 10, item 6): tasks are acknowledged late, Redis
hands them to another worker after the visibility timeout, the outbox redelivers what a lost
task never handled, the PDF sweep renders what is missing, and nothing has two effects."""
import datetime
import os
import signal

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context

from config.celery import app as celery_app
from contexts.core.models import Client
from contexts.finance import documents, tasks as finance_tasks
from contexts.finance.models import InvoiceDocument
from crm import eventbus
from crm.models import HandledEvent, OutboxEvent
from tests import worker_tasks
from tests.factories.finance import issued_invoice
from tests.worker import process_env, start_worker, stop, wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]

IDENTITY = dict(legal_name="Gamma Committed SAS", siren="732829320", vat_number="FR44732829320",
                address_line="8 rue de la Roquette", postal_code="75011", city="Paris", iban="FR7630006000011234567890189")


@pytest.fixture
def seller_gamma(committed_tenant):
    """Gamma with a complete legal identity (its invoices render), restored after."""
    from django_tenants.utils import get_tenant_model

    fields = [f for f in IDENTITY if hasattr(committed_tenant, f)]
    with schema_context("public"):
        before = {f: getattr(committed_tenant, f) for f in fields}
        get_tenant_model().objects.filter(pk=committed_tenant.pk).update(**{f: IDENTITY[f] for f in fields})
    for f in fields:
        setattr(committed_tenant, f, IDENTITY[f])
    try:
        yield committed_tenant
    finally:
        with schema_context("public"):
            get_tenant_model().objects.filter(pk=committed_tenant.pk).update(**before)


@pytest.fixture
def own_queue(monkeypatch):
    """A queue no other worker of the session consumes: what the test sends goes there."""
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-kill"
    monkeypatch.setattr(settings, "CELERY_TASK_DEFAULT_QUEUE", queue)
    monkeypatch.setattr(celery_app.conf, "task_default_queue", queue)
    yield queue
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def _burst_effects() -> int:
    return Client.objects.filter(last_name__startswith="burst-").count()


def test_a_worker_killed_mid_burst_loses_nothing_and_a_second_worker_finishes(seller_gamma, own_queue, tmp_path):
    media = str(tmp_path / "media")
    env = process_env(CELERY_QUEUE=own_queue, MEDIA_DIR=media)
    first = start_worker(env=env, concurrency=4, log="test-worker-killed.log")
    second = None
    try:
        worker_tasks.ping.apply_async(headers={"_schema_name": "public"}).get(timeout=60)
        events = [worker_tasks.Burst(n=i) for i in range(30)]
        invoices = []
        for i, event in enumerate(events):
            with transaction.atomic():
                eventbus.publish(event)
            if i % 6 == 0:
                invoices.append(issued_invoice())  # its PDF is rendered by a task, on commit
        wait_until(lambda: _burst_effects() >= 4, timeout=60, message="the burst under way")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        handled_at_kill = _burst_effects()
        assert handled_at_kill < len(events), "the worker finished before it was killed: nothing was in flight"
        r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        assert r.hlen("unacked") > 0, "the killed worker held no unacknowledged task"

        # Another worker (Redis gives back what was unacknowledged for longer than the
        # visibility timeout, here 2 s so the test does not wait for half an hour).
        second = start_worker(env={**env, "CELERY_VISIBILITY_TIMEOUT": "2", "CELERY_UNACKED_RESTORE_INTERVAL": "1",
                                   "CELERY_UNACKED_RESTORE_THROTTLE": "1"}, concurrency=4, log="test-worker-second.log")
        # Generous: the burst's clients and invoices have subscribers of their own (reports, timeline,
        # letters...) that the second worker also runs, on a machine the rest of the suite loads.
        wait_until(lambda: _burst_effects() == len(events), timeout=240, message="every event handled")
        wait_until(lambda: InvoiceDocument.objects.filter(invoice__in=invoices).count() == len(invoices), timeout=240,
                   message="every invoice's PDF")
        # Exactly one effect and one document each, even for tasks delivered twice.
        for event in events:
            assert Client.objects.filter(last_name=f"burst-{event.event_id}").count() == 1
            assert HandledEvent.objects.filter(event_id=event.event_id).count() == 1
        for invoice in invoices:
            assert InvoiceDocument.objects.filter(invoice=invoice).count() == 1
    finally:
        if second is not None:
            stop(second)
        if first.poll() is None:
            first.kill()


def test_a_sent_event_whose_subscriber_task_was_lost_is_sent_again(celery_worker, committed_tenant, monkeypatch):
    event = worker_tasks.Pinged(note="lost after send")
    monkeypatch.setattr(eventbus, "_dispatch", lambda *a, **kw: None)  # the broker lost the task
    with transaction.atomic():
        eventbus.publish(event)
    monkeypatch.undo()
    row = OutboxEvent.objects.get(id=event.event_id)
    assert row.sent_at is not None  # counted as sent, yet nobody handled it
    later = row.sent_at + datetime.timedelta(seconds=settings.EVENTS_REDELIVER_AFTER_SECONDS + 1)
    assert eventbus.resend_unsent(now=row.sent_at + datetime.timedelta(seconds=60)) == 0  # may still be in flight
    assert eventbus.resend_unsent(now=later) == 1
    wait_until(lambda: Client.objects.filter(last_name=f"ping-{event.event_id}").exists(), message="the redelivered effect")
    # Once every subscriber ran, the row is delivered and never sent again.
    row.refresh_from_db()
    assert eventbus.resend_unsent(now=row.sent_at + datetime.timedelta(seconds=settings.EVENTS_REDELIVER_AFTER_SECONDS + 1)) == 0
    row.refresh_from_db()
    assert row.delivered_at is not None


def test_the_sweep_renders_a_document_whose_task_was_lost(celery_worker, seller_gamma, monkeypatch, tmp_path):
    monkeypatch.setattr(documents, "schedule_render", lambda **kw: None)  # the rendering task was lost
    invoice = issued_invoice()
    monkeypatch.undo()
    assert not InvoiceDocument.objects.filter(invoice=invoice).exists()
    assert finance_tasks.render_missing_documents.apply_async(headers={"_schema_name": "gamma"}).get(timeout=60) == 1
    assert InvoiceDocument.objects.filter(invoice=invoice).count() == 1
    # A late duplicate of the lost task renders nothing more.
    finance_tasks.render_invoice_document.apply_async(kwargs={"invoice_id": str(invoice.id)},
                                                      headers={"_schema_name": "gamma"}).get(timeout=60)
    assert InvoiceDocument.objects.filter(invoice=invoice).count() == 1


def test_the_visibility_timeout_fits_the_longest_task_and_retry():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    longest_countdown = max(s.backoff_max_seconds * 1.25 for s in eventbus._SUBSCRIBERS.values())
    assert visibility > longest_countdown
    for sub in eventbus._SUBSCRIBERS.values():
        chain = sum(min(sub.backoff_max_seconds, sub.backoff_seconds * 2 ** n) * 1.25 for n in range(sub.max_retries))
        assert settings.EVENTS_REDELIVER_AFTER_SECONDS > chain + settings.CELERY_TASK_TIME_LIMIT, sub.name
