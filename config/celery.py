"""The Celery app. Tasks carry the tenant's schema in their headers (tenant-schemas-celery):
a task sent while a tenant is active runs in that tenant's schema on the worker."""
import os

from celery import signals
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("comptoir")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    # Jobs are declared once, in code, next to their task (crm.jobs.tenant_job); beat fans
    # each one out to every tenant schema, and django-celery-beat stores the schedule.
    from crm import jobs

    sender.conf.beat_schedule = jobs.beat_schedule()


@signals.task_postrun.connect(dispatch_uid="comptoir_close_old_connections")
def _close_old_connections(task=None, **kwargs):
    """Workers keep their connection between tasks (CELERY_DB_REUSE_MAX), the way a web process
    does between requests: Django's own rule then closes one that is broken or older than
    CONN_MAX_AGE, which Celery's reuse counter alone would keep."""
    from django.db import close_old_connections, connection

    if getattr(getattr(task, "request", None), "is_eager", False) or connection.in_atomic_block:
        return  # an eager task runs in its caller's connection (and a test's transaction)
    close_old_connections()
