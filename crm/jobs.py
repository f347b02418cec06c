"""Periodic jobs: declared once in code, run by beat once per tenant, each in its own schema.

    @tenant_job(schedule=crontab(minute="*/5"))
    @shared_task(name="inventory.release_expired_reservations")
    def release_expired_reservations(): ...

Beat (TenantBeatScheduler) sends one task per tenant with the schema in its headers, so a
failing tenant does not stop the others. django-celery-beat stores the schedules in the public
schema, where platform admins can change them.
"""
from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django_celery_beat import schedulers as _celery_beat_schedulers
from tenant_schemas_celery.db_scheduler import TenantAwareDatabaseScheduler

_JOBS: dict[str, dict[str, Any]] = {}


def tenant_job(*, schedule, name: str | None = None, options: dict | None = None, kwargs: dict | None = None):
    def register(task):
        job_name = name or task.name
        _JOBS[job_name] = {"task": task.name, "schedule": schedule, "options": dict(options or {})}
        if kwargs:
            _JOBS[job_name]["kwargs"] = dict(kwargs)
        return task

    return register


def platform_job(*, schedule, name: str | None = None):
    """A job that runs once, in the public schema (platform billing, housekeeping)."""

    def register(task):
        job_name = name or task.name
        _JOBS[job_name] = {"task": task.name, "schedule": schedule, "tenant_schemas": ["public"]}
        return task

    return register


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Every job declared in the installed apps' tasks modules (imported here, so the schedule
    does not depend on what happened to be imported before)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    return {name: dict(job) for name, job in _JOBS.items()}


ALL_TENANTS = "_all_tenants_only"
SCHEMA = "_schema_name"


def _fan_out_headers(headers: dict[str, Any]) -> dict[str, Any]:
    """A job for every tenant carries no schema of its own: each task it sends gets the schema
    of the tenant it is sent to."""
    if headers.get(ALL_TENANTS):
        headers.pop(SCHEMA, None)
    return headers


class TenantBeatScheduler(TenantAwareDatabaseScheduler):
    """Reads stored schedules from the public schema only (django-celery-beat is a shared app).

    tenant-schemas-celery stamps `_schema_name: <schema read from>` on every stored row it
    loads, so a job for every tenant reloaded from the public schema (at the first reload, at
    most `BEAT_SCHEDULE_RELOAD_SECONDS` after beat starts, or when an admin edits a schedule)
    would carry `_schema_name: public`, and the fan-out would keep that header: every tenant's
    task would run in the public schema. Rows for every tenant are read without it, and the
    fan-out drops it again before sending.
    """

    def __init__(self, *args, **kwargs):
        # django-celery-beat reloads the stored schedule at least this often (a module
        # constant there, 300 s); a setting here, so a test can watch several reloads.
        _celery_beat_schedulers.SCHEDULE_SYNC_MAX_INTERVAL = settings.BEAT_SCHEDULE_RELOAD_SECONDS
        super().__init__(*args, **kwargs)

    def get_tenant_schema_names(self, exclude_schemas):
        return []

    def enabled_models(self):
        models = super().enabled_models()
        for model in models:
            headers = json.loads(model.headers or "{}")
            if headers.get(ALL_TENANTS):
                model.headers = json.dumps(_fan_out_headers(headers))
        return models

    def apply_entry(self, entry, producer=None):
        _fan_out_headers(entry.options.setdefault("headers", {}))
        return super().apply_entry(entry, producer=producer)

    def setup_schedule(self):
        # The jobs declared in code, read when beat starts (not a snapshot taken at import).
        self.app.conf.beat_schedule = {**beat_schedule(), **(self.app.conf.beat_schedule or {})}
        super().setup_schedule()
