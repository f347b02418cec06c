"""The Celery app. Tasks carry the tenant's schema in their headers (tenant-schemas-celery):
a task sent while a tenant is active runs in that tenant's schema on the worker."""
import os

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
