"""Project wiring: settings, URL confs, the Celery app. Nothing imports config."""
from config.celery import app as celery_app

__all__ = ["celery_app"]
