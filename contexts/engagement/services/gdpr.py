"""Engagement's part of a GDPR request (core orchestrates, through crm.hooks): messages sent to
the person, their consents, loyalty account and ledger, timeline, activities, tasks, health score.

Erasure: the messages keep their date, kind and status (proof that a transactional e-mail went
out) but lose the address, subject and text; consents are withdrawn; timeline, activities, tasks,
staff alerts and health reasons have the person's name and e-mail replaced by the pseudonym;
loyalty points stay (amounts and references only)."""
from __future__ import annotations

from django.db.models import Q

from contexts.engagement.models import (Activity, ClientHealth, ContactPreference, LoyaltyAccount, LoyaltyEntry,
                                        Notification, StaffNotification, Task, TimelineEntry)
from crm.gdpr import REDACTED, Subject, erase_rows, rows, scrub_rows


def _notifications(subject: Subject):
    emails = Q()
    for email in subject.emails:
        emails |= Q(recipient__iexact=email)
    return Notification.objects.filter(Q(client_id__in=subject.client_ids) | emails) if subject.emails else \
        Notification.objects.filter(client_id__in=subject.client_ids)


def export(*, subject: Subject) -> dict[str, list[dict]]:
    ids = subject.client_ids
    return {
        "notifications": rows(_notifications(subject).order_by("sent_at")),
        "consents": rows(ContactPreference.objects.filter(client_id__in=ids)),
        "loyalty_accounts": rows(LoyaltyAccount.objects.filter(client_id__in=ids)),
        "loyalty_entries": rows(LoyaltyEntry.objects.filter(account__client_id__in=ids).order_by("created_at")),
        "timeline": rows(TimelineEntry.objects.filter(client_id__in=ids).order_by("occurred_at")),
        "activities": rows(Activity.objects.filter(client_id__in=ids).order_by("occurred_at")),
        "tasks": rows(Task.objects.filter(client_id__in=ids).order_by("created_at")),
        "health": rows(ClientHealth.objects.filter(client_id__in=ids)),
    }


def erase(*, subject: Subject) -> dict:
    ids = subject.client_ids
    messages = erase_rows(_notifications(subject), subject=subject,
                          values={"recipient": subject.pseudo_email, "subject": REDACTED, "body": ""}, scrub=["error"])
    consents = erase_rows(ContactPreference.objects.filter(client_id__in=ids), subject=subject,
                          values={"marketing_email": False, "marketing_sms": False})
    timeline = erase_rows(TimelineEntry.objects.filter(client_id__in=ids), subject=subject, scrub=["title"])
    activities = erase_rows(Activity.objects.filter(client_id__in=ids), subject=subject, scrub=["subject", "body"])
    tasks = erase_rows(Task.objects.filter(client_id__in=ids), subject=subject, scrub=["title"])
    health = erase_rows(ClientHealth.objects.filter(client_id__in=ids), subject=subject, scrub_json=["reasons"])
    alerts = scrub_rows(StaffNotification, subject=subject, text_fields=["title", "body", "link"])
    return {"counts": {"notifications": len(messages), "consents_withdrawn": len(consents), "timeline": len(timeline),
                       "activities": len(activities), "tasks": len(tasks), "staff_alerts": alerts},
            "object_ids": messages + timeline + activities + tasks}
