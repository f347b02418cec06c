"""Engagement's reads."""
from __future__ import annotations

import uuid

from django.db.models import QuerySet

from contexts.engagement.models import ClientHealth, StaffNotification, Task, TimelineEntry


def timeline(*, client_id: uuid.UUID) -> QuerySet[TimelineEntry]:
    """Newest first; one indexed query per page."""
    return TimelineEntry.objects.filter(client_id=client_id).order_by("-occurred_at", "-id")


def health(*, client_id: uuid.UUID) -> ClientHealth | None:
    return ClientHealth.objects.filter(pk=client_id).first()


def top_reasons(health_row: ClientHealth | None, n: int = 3) -> list[str]:
    """The reasons that weigh most (the factors that cost points first, then the others)."""
    if health_row is None:
        return []
    return [r["label"] for r in sorted(health_row.reasons, key=lambda r: r["impact"])[:n]]


def open_tasks(*, assignee_id: int | None = None) -> QuerySet[Task]:
    qs = Task.objects.filter(done_at__isnull=True)
    return qs if assignee_id is None else qs.filter(assignee_id=assignee_id)


def unread_for(*, user_id: int) -> QuerySet[StaffNotification]:
    from django.db.models import Q

    return StaffNotification.objects.filter(Q(user_id=user_id) | Q(user_id__isnull=True), read_at__isnull=True)
