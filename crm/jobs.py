"""Periodic jobs: declared once in code, run by beat once per tenant, each in its own schema.

    @tenant_job(schedule=crontab(minute="*/5"))
    @shared_task(name="inventory.release_expired_reservations")
    def release_expired_reservations(): ...

Beat (TenantBeatScheduler) sends one task per tenant with the schema in its headers, so a
failing tenant does not stop the others. django-celery-beat stores the schedules in the public
schema, where platform admins can change them.
"""
from __future__ import annotations

from typing import Any

from tenant_schemas_celery.db_scheduler import TenantAwareDatabaseScheduler

_JOBS: dict[str, dict[str, Any]] = {}


def tenant_job(*, schedule, name: str | None = None, options: dict | None = None):
    def register(task):
        job_name = name or task.name
        _JOBS[job_name] = {"task": task.name, "schedule": schedule, "options": dict(options or {})}
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


class TenantBeatScheduler(TenantAwareDatabaseScheduler):
    """Reads stored schedules from the public schema only (django-celery-beat is a shared app)."""

    def get_tenant_schema_names(self, exclude_schemas):
        return []

    def setup_schedule(self):
        # The jobs declared in code, read when beat starts (not a snapshot taken at import).
        self.app.conf.beat_schedule = {**beat_schedule(), **(self.app.conf.beat_schedule or {})}
        super().setup_schedule()
