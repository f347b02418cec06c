"""A real Celery worker process for the tests, against the real Redis and the test database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def wait_until(predicate, *, timeout: float = 20.0, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.db import connection

    test_db = connection.settings_dict["NAME"]
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    url = urlsplit(settings.DATABASE_URL)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=urlunsplit((url.scheme, url.netloc, "/" + test_db, url.query, "")),
        CELERY_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_RESULT_BACKEND=settings.CELERY_RESULT_BACKEND,
        CELERY_TASK_ALWAYS_EAGER="0",
        LOG_LEVEL="WARNING",
        # Mail the worker sends lands in files the tests can read.
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        DB_CONN_MAX_AGE="0",
    )
    log = open(ROOT / "var" / "test-worker.log", "ab") if (ROOT / "var").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "threads", "-c", "4",
         "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--include", "tests.worker_tasks", "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        from tests import worker_tasks

        with django_db_blocker.unblock():
            assert worker_tasks.ping.apply_async(headers={"_schema_name": "public"}).get(timeout=60) == "pong"
        proc.mail_dir = mail_dir
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
