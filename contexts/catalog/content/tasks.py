"""The Celery entry point of AI content (tenant-aware: the schema travels in the task headers).
The provider is called here, never inside a transaction: one that does not answer is retried
with exponential backoff and jitter, behind a breaker shared through Redis; the job fails with
the error when the retries are spent."""
import random

from celery import shared_task
from django.conf import settings

from contexts.catalog.content.provider import ProviderUnavailable


@shared_task(bind=True, name="catalog.generate_content", acks_late=True, reject_on_worker_lost=True,
             max_retries=settings.CATALOG_AI_TASK_MAX_RETRIES)
def generate_content(self, *, job_id: str) -> str:
    from contexts.catalog.content import services

    try:
        return services.run_job(job_id=job_id)
    except ProviderUnavailable as exc:
        if self.request.retries >= self.max_retries:
            return services.fail_job(job_id=job_id, error=str(exc))
        delay = min(settings.CATALOG_AI_TASK_BACKOFF_MAX_SECONDS, 2 ** (self.request.retries + 1))
        raise self.retry(exc=exc, countdown=random.uniform(delay / 2, delay))
