"""Real Celery processes for the tests (a worker, a beat, a worker a test may kill), against the
real Redis and the test database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def wait_until(predicate, *, timeout: float = 60.0, interval: float = 0.1, message: str = "condition"):
    """Polls until the predicate holds. Generous: a loaded CI machine may take a while to get the
    worker to a task queued behind the suite's earlier ones; a fast answer returns at once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a Celery process started by a test: the test database, this session's
    queue, the real broker."""
    from django.conf import settings
    from django.db import connection

    test_db = connection.settings_dict["NAME"]
    url = urlsplit(settings.DATABASE_URL)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=urlunsplit((url.scheme, url.netloc, "/" + test_db, url.query, "")),
        CELERY_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_RESULT_BACKEND=settings.CELERY_RESULT_BACKEND,
        CELERY_TASK_ALWAYS_EAGER="0",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="0",
    )
    env.update(extra)
    return env


def _log(name: str):
    return open(ROOT / "var" / name, "ab") if (ROOT / "var").is_dir() else subprocess.DEVNULL


def start_worker(*, env: dict[str, str], concurrency: int = 4, pool: str = "threads", log: str = "test-worker.log",
                 extra_args: tuple[str, ...] = ()) -> subprocess.Popen:
    from django.conf import settings

    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", pool, "-c", str(concurrency),
         "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--include", "tests.worker_tasks", "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip", *extra_args],
        cwd=ROOT, env=env, stdout=_log(log), stderr=subprocess.STDOUT,
    )


def start_beat(*, env: dict[str, str], max_interval: int = 1) -> subprocess.Popen:
    """A real beat with the production scheduler (crm.jobs.TenantBeatScheduler)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info", "--max-interval", str(max_interval)],
        cwd=ROOT, env=env, stdout=_log("test-beat.log"), stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen, *, timeout: float = 15) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def ping_worker(*, timeout: float = 60) -> None:
    from tests import worker_tasks

    assert worker_tasks.ping.apply_async(headers={"_schema_name": "public"}).get(timeout=timeout) == "pong"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    # Mail the worker sends lands in files the tests can read.
    env = process_env(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir))
    proc = start_worker(env=env)
    try:
        with django_db_blocker.unblock():
            ping_worker()
        proc.mail_dir = mail_dir
        yield proc
    finally:
        stop(proc)
