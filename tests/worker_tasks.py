"""Test-only events, subscribers and tasks, loaded by the test process and by the real Celery
worker the tests start (celery worker --include tests.worker_tasks)."""
from __future__ import annotations

import dataclasses
import os
import uuid

import redis
from celery import shared_task
from django.conf import settings
from django.db import connection

from crm import eventbus
from crm.events import Event
from crm.jobs import tenant_job
from tests.clock import freeze_from_environment

freeze_from_environment()  # the worker keeps the test session's frozen clock, if any


@dataclasses.dataclass(frozen=True, kw_only=True)
class Pinged(Event):
    name = "test.pinged.v1"
    note: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Mixed(Event):
    name = "test.mixed.v1"
    note: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Burst(Event):
    name = "test.burst.v1"
    n: int = 0


def _record(prefix: str, envelope: eventbus.Envelope) -> None:
    # A real effect in the tenant's schema: a client row named after the event.
    from contexts.core.models import Client

    Client.objects.create(kind="person", last_name=f"{prefix}-{envelope.event_id}", first_name=connection.schema_name)


@eventbus.subscribe(Pinged.name, name="tests.record_ping", backoff_seconds=0.05)
def record_ping(envelope: eventbus.Envelope) -> None:
    _record("ping", envelope)


@eventbus.subscribe(Mixed.name, name="tests.record_mixed", backoff_seconds=0.05)
def record_mixed(envelope: eventbus.Envelope) -> None:
    _record("mixed", envelope)


@eventbus.subscribe(Mixed.name, name="tests.always_fails", max_retries=2, backoff_seconds=0.05, backoff_max_seconds=0.2)
def always_fails(envelope: eventbus.Envelope) -> None:
    if envelope.payload.get("note") != "heal":
        raise RuntimeError("the mail server is on fire")
    _record("healed", envelope)


@eventbus.subscribe(Burst.name, name="tests.record_burst_slowly", backoff_seconds=0.05)
def record_burst_slowly(envelope: eventbus.Envelope) -> None:
    import time

    time.sleep(0.4)  # long enough for a worker to be killed with tasks in flight
    _record("burst", envelope)


def _redis():
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@shared_task(name="tests.ping")
def ping() -> str:
    return "pong"


@shared_task(name="tests.beat_probe")
def beat_probe(*, run_id: str, fail_in: str = "") -> str:
    schema = connection.schema_name
    _redis().setex(f"beat-probe:{run_id}:{schema}:tried", 60, 1)
    _redis().rpush(f"beat-probe:{run_id}:runs", schema)
    _redis().expire(f"beat-probe:{run_id}:runs", 300)
    if schema == fail_in:
        raise RuntimeError(f"tenant {schema} is broken")
    # Prove we run inside the schema: read a tenant-only table.
    from contexts.core.models import Client

    Client.objects.count()
    _redis().setex(f"beat-probe:{run_id}:{schema}", 60, 1)
    return schema


# A beat started by a test (COMPTOIR_TEST_BEAT_RUN=<run id>) declares the probe as a job for
# every tenant, every second, like the jobs declared in the contexts' tasks modules.
if os.environ.get("COMPTOIR_TEST_BEAT_RUN"):
    tenant_job(schedule=1.0, name="tests.beat_probe", kwargs={"run_id": os.environ["COMPTOIR_TEST_BEAT_RUN"]})(beat_probe)


def new_run_id() -> str:
    return uuid.uuid4().hex


@shared_task(name="tests.clock_now")
def clock_now() -> str:
    from django.utils import timezone

    return timezone.now().isoformat()


# A beat started by a test with COMPTOIR_TEST_BEAT_WEEKLY_REPORT=<ISO date> runs the weekly sales
# report for every tenant every second, as of that date (the report itself sends once a day).
if os.environ.get("COMPTOIR_TEST_BEAT_WEEKLY_REPORT"):
    from contexts.engagement.reporting.tasks import send_weekly_sales_report

    tenant_job(schedule=1.0, name="tests.weekly_sales_report",
               kwargs={"today": os.environ["COMPTOIR_TEST_BEAT_WEEKLY_REPORT"]})(send_weekly_sales_report)
@shared_task(name="tests.schema_probe")
def schema_probe() -> dict:
    """What a task sees of its tenant: the schema the database session is on, the clients read
    raw and through the ORM, and the session's backend pid (to prove the connection is reused)."""
    from contexts.core.models import Client

    with connection.cursor() as cur:
        cur.execute("SELECT current_schema(), pg_backend_pid()")
        schema, pid = cur.fetchone()
        cur.execute("SELECT last_name FROM core_client ORDER BY last_name")
        raw = [r[0] for r in cur.fetchall()]
    orm = list(Client.objects.order_by("last_name").values_list("last_name", flat=True))
    return {"schema": schema, "backend_pid": pid, "raw_names": raw, "orm_names": orm}
