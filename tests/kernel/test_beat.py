"""A real beat process with the production scheduler: jobs for every tenant run in each tenant's
schema, before and after beat reloads its stored schedule (issue 10, item 1)."""
import time

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_celery_beat.models import PeriodicTask

from tests import worker_tasks
from tests.conftest import TEST_TENANTS
from tests.worker import process_env, start_beat, stop, wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]

RELOAD_SECONDS = 2
TENANTS = set(TEST_TENANTS)


def _runs(r, run_id) -> list[str]:
    return [s.decode() for s in r.lrange(f"beat-probe:{run_id}:runs", 0, -1)]


def test_jobs_for_every_tenant_run_in_each_tenant_schema_across_schedule_reloads(celery_worker, transactional_db_no_flush):
    connection.set_schema_to_public()
    run_id = worker_tasks.new_run_id()
    r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    beat = start_beat(env=process_env(COMPTOIR_TEST_BEAT_RUN=run_id, CELERY_IMPORTS="tests.worker_tasks",
                                      BEAT_SCHEDULE_RELOAD_SECONDS=str(RELOAD_SECONDS), LOG_LEVEL="INFO"))
    try:
        wait_until(lambda: TENANTS <= set(_runs(r, run_id)), timeout=30, message="a first run in every tenant")
        started = time.monotonic()
        # Let beat reload its stored schedule several times (every RELOAD_SECONDS), then watch
        # the runs that follow the reloads.
        time.sleep(3 * RELOAD_SECONDS + 1)
        assert beat.poll() is None, "beat died"
        seen = len(_runs(r, run_id))
        wait_until(lambda: TENANTS <= set(_runs(r, run_id)[seen:]), timeout=30,
                   message="runs in every tenant after the reloads")
        assert time.monotonic() - started > 2 * RELOAD_SECONDS
        runs = _runs(r, run_id)
        assert "public" not in runs, f"a tenant job ran in the public schema: {runs}"
        assert set(runs) == TENANTS
    finally:
        stop(beat)
        PeriodicTask.objects.filter(task="tests.beat_probe").delete()
