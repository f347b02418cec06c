"""AI content reads."""
from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum

from contexts.catalog.content.models import GenerationJob, GenerationStatus
from contexts.catalog.content.services import month_start


def jobs_of_product(*, product_id):
    return GenerationJob.objects.filter(product_id=product_id).order_by("-created_at")


def job(*, job_id) -> GenerationJob | None:
    return GenerationJob.objects.filter(pk=job_id).first()


def month_usage(*, now: datetime.datetime) -> dict:
    """This month's generations (those the quota counts), tokens and cost: one query."""
    counted = Q(from_cache=False) & ~Q(status=GenerationStatus.FAILED)
    row = GenerationJob.objects.filter(created_at__gte=month_start(now)).aggregate(
        generations=Count("id", filter=counted), cached=Count("id", filter=Q(from_cache=True)),
        tokens_in=Sum("tokens_in"), tokens_out=Sum("tokens_out"), cost=Sum("cost"))
    return {"since": month_start(now), "generations": row["generations"], "from_cache": row["cached"],
            "tokens_in": row["tokens_in"] or 0, "tokens_out": row["tokens_out"] or 0, "cost": row["cost"] or 0}
