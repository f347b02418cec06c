"""Celery entry points of catalog (found by the app's task autodiscovery)."""
from contexts.catalog.content.tasks import generate_content  # noqa: F401
