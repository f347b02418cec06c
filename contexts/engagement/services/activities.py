"""Staff activities (notes, calls, meetings) and tasks with an assignee and a due date."""
from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.engagement.models import Activity, ActivityKind, Task
from contexts.engagement.services import notifications, timeline
from crm.rest.errors import InvalidInput, NotFound


def log_activity(*, client_id: uuid.UUID, kind: str, subject: str, body: str = "",
                 occurred_at: datetime.datetime | None = None, author_id: int | None = None) -> Activity:
    if kind not in ActivityKind.values:
        raise InvalidInput(_("Unknown activity kind %(kind)s.") % {"kind": kind}, field="kind")
    if not subject.strip():
        raise InvalidInput(_("An activity needs a subject."), field="subject")
    with transaction.atomic():
        activity = Activity.objects.create(client_id=client_id, kind=kind, subject=subject.strip()[:200], body=body,
                                           occurred_at=occurred_at or timezone.now(), author_id=author_id)
        timeline.record(client_id=client_id, source="engagement", kind=f"activity_{kind}", reference_id=activity.id,
                        occurred_at=activity.occurred_at, title=f"{ActivityKind(kind).label} : {activity.subject}")
    return activity


def create_task(*, title: str, assignee_id: int, due_date: datetime.date, client_id: uuid.UUID | None = None) -> Task:
    if not title.strip():
        raise InvalidInput(_("A task needs a title."), field="title")
    with transaction.atomic():
        return Task.objects.create(title=title.strip()[:200], assignee_id=assignee_id, due_date=due_date, client_id=client_id)


def complete_task(*, task_id: uuid.UUID, now: datetime.datetime | None = None) -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NotFound(_("No such task."), field="task_id")
        if task.done_at is None:
            task.done_at = now or timezone.now()
            task.save(update_fields=["done_at"])
    return task


def remind_due(*, today: datetime.date) -> int:
    """The beat job: each assignee with open tasks due today gets one in-app reminder listing
    them; run twice the same day, it reminds nobody twice. Returns the number of reminders."""
    with transaction.atomic():
        due = list(Task.objects.select_for_update(skip_locked=True)
                   .filter(due_date=today, done_at__isnull=True).exclude(reminded_on=today).order_by("title"))
        by_assignee: dict[int, list[Task]] = defaultdict(list)
        for task in due:
            by_assignee[task.assignee_id].append(task)
        sent = 0
        for assignee_id, tasks in by_assignee.items():
            note = notifications.notify_staff(
                kind="task_due", user_id=assignee_id, dedup_key=f"tasks:{today.isoformat()}:{assignee_id}",
                title=f"{len(tasks)} tâche(s) à faire aujourd'hui",
                body="\n".join(f"- {t.title}" for t in tasks), link="/admin/engagement/task/?mine=1")
            sent += note is not None
        Task.objects.filter(pk__in=[t.pk for t in due]).update(reminded_on=today)
    return sent
