"""Commands of custom and scheduled reports: ask for a report (the worker builds it), build it,
send the weekly sales summary and the monthly receivables report. E-mails leave after commit."""
from __future__ import annotations

import datetime
import uuid

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.core import api as core_api
from contexts.engagement.reporting import rendering, selectors
from contexts.engagement.reporting.models import ReportJob, ScheduledReport
from crm.rest.errors import InvalidInput

MAX_DAYS = 3660


def _check_spec(spec: dict) -> dict:
    dims, measures = spec.get("dimensions") or [], spec.get("measures") or []
    for d in dims:
        if d not in selectors.REPORT_DIMENSIONS:
            raise InvalidInput(_("Unknown dimension %(name)s.") % {"name": d}, field="dimensions")
    if not measures:
        raise InvalidInput(_("Choose at least one measure."), field="measures")
    for m in measures:
        if m not in selectors.REPORT_MEASURES:
            raise InvalidInput(_("Unknown measure %(name)s.") % {"name": m}, field="measures")
    for f in (spec.get("filters") or {}):
        if f not in selectors.REPORT_FILTERS:
            raise InvalidInput(_("Unknown filter %(name)s.") % {"name": f}, field="filters")
    start, end = spec["date_from"], spec["date_to"]
    if end < start:
        raise InvalidInput(_("The end of the period is before its start."), field="date_to")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(_("The period is too long (ten years at most)."), field="date_to")
    return {"dimensions": list(dims), "measures": list(measures), "filters": dict(spec.get("filters") or {}),
            "date_from": start.isoformat(), "date_to": end.isoformat()}


def report_request(*, spec: dict, fmt: str, user_id: int | None, email: str) -> ReportJob:
    """Records the request and queues its building after commit (202 for the caller)."""
    if fmt not in rendering.CONTENT_TYPES:
        raise InvalidInput(_("Unknown format %(name)s.") % {"name": fmt}, field="format")
    clean = _check_spec(spec)
    with transaction.atomic():
        job = ReportJob.objects.create(spec=clean, format=fmt, requested_by_id=user_id, requester_email=email or "")

        def queue():
            from contexts.engagement.reporting import tasks

            tasks.build_report.delay(job_id=str(job.id))
        transaction.on_commit(queue)
    return job


def report_build(*, job_id: uuid.UUID | str) -> ReportJob:
    """Builds the file (outside any transaction: it may be long), then stores it and e-mails the requester."""
    job = ReportJob.objects.get(id=job_id)
    if job.status == ReportJob.Status.DONE:
        return job  # a redelivered task
    spec = job.spec
    try:
        header, rows = selectors.report_rows(
            dimensions=spec["dimensions"], measures=spec["measures"], filters=spec["filters"],
            date_from=datetime.date.fromisoformat(spec["date_from"]), date_to=datetime.date.fromisoformat(spec["date_to"]))
        content = rendering.render(fmt=job.format, title=f"Rapport {spec['date_from']} – {spec['date_to']}",
                                   header=header, rows=rows)
    except Exception as exc:
        ReportJob.objects.filter(id=job.id).update(status=ReportJob.Status.FAILED, error=str(exc)[:300],
                                                   finished_at=timezone.now())
        raise
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(id=job.id)
        job.content, job.rows, job.status, job.finished_at = content, len(rows), ReportJob.Status.DONE, timezone.now()
        job.save(update_fields=["content", "rows", "status", "finished_at"])
        if job.requester_email:
            message = EmailMessage(subject="Votre rapport est prêt", to=[job.requester_email],
                                   body=f"Bonjour,\n\nVotre rapport ({job.rows} lignes, {job.get_format_display()}) est prêt : "
                                        f"/api/v1/reports/jobs/{job.id}/download\n")
            transaction.on_commit(message.send)
    return job


# ---------------------------------------------------------------- scheduled reports

OWNER_ROLES = ["owner", "manager"]


def _recipients(report: ScheduledReport) -> list[str]:
    listed = [line.strip() for line in report.recipients.splitlines() if line.strip()]
    return listed or core_api.staff_emails(roles=OWNER_ROLES)


def _setting(kind: str) -> ScheduledReport:
    report, _created = ScheduledReport.objects.get_or_create(kind=kind)
    return report


def weekly_sales_send(*, today: datetime.date) -> int:
    """On the configured weekday: last week's sales (Monday to Sunday) by channel, as CSV attached."""
    report = _setting(ScheduledReport.Kind.WEEKLY_SALES)
    if not report.enabled or today.weekday() != report.weekday or report.last_sent_on == today:
        return 0
    end = today - datetime.timedelta(days=today.weekday() + 1)
    start = end - datetime.timedelta(days=6)
    data = selectors.consolidated(date_from=start, date_to=end, period="day", by="channel")
    header = ["jour", "canal", "quantité", "HT", "TVA", "TTC"]
    rows = [[r["period"], r["channel"], r["quantity"], r["net"], r["vat"], r["gross"]] for r in data["rows"]]
    body = (f"Ventes du {start:%d/%m/%Y} au {end:%d/%m/%Y}\n\nTotal TTC : {data['totals']['gross']} €\n"
            f"Total HT : {data['totals']['net']} €\n")
    return _send(report, subject=f"Synthèse des ventes, semaine du {start:%d/%m/%Y}", body=body, today=today,
                 attachment=(f"ventes-{start}.csv", rendering.render(fmt="csv", title="", header=header, rows=rows)))


def monthly_receivables_send(*, today: datetime.date) -> int:
    report = _setting(ScheduledReport.Kind.MONTHLY_RECEIVABLES)
    if not report.enabled or today.day != report.day_of_month or report.last_sent_on == today:
        return 0
    data = selectors.receivables(today=today)
    labels = {"not_due": "non échues", "1_30": "1 à 30 jours", "31_60": "31 à 60 jours", "61_90": "61 à 90 jours",
              "over_90": "plus de 90 jours"}
    body = "Créances au {:%d/%m/%Y}\n\n".format(today) + "".join(
        f"{labels[k]} : {v} €\n" for k, v in data["ageing"].items()) + f"\nTotal : {data['total']} €\n"
    return _send(report, subject=f"Créances clients au {today:%d/%m/%Y}", body=body, today=today, attachment=None)


def _send(report: ScheduledReport, *, subject: str, body: str, today: datetime.date, attachment) -> int:
    to = _recipients(report)
    if not to:
        return 0
    with transaction.atomic():
        updated = ScheduledReport.objects.filter(pk=report.pk).exclude(last_sent_on=today).update(last_sent_on=today)
        if not updated:
            return 0  # another run sent it today
        message = EmailMessage(subject=subject, body=body, to=to)
        if attachment:
            message.attach(attachment[0], attachment[1], "text/csv")
        transaction.on_commit(message.send)
    return len(to)


def scheduled_report_save(*, kind: str, enabled: bool, recipients: str, weekday: int, day_of_month: int) -> ScheduledReport:
    """The admin's edit of a scheduled report: recipients checked one by one (one address a line)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    lines = [line.strip() for line in recipients.splitlines() if line.strip()]
    for line in lines:
        try:
            validate_email(line)
        except ValidationError:
            raise InvalidInput(_("Invalid e-mail address: %(name)s.") % {"name": line}, field="recipients")
    if not 0 <= weekday <= 6:
        raise InvalidInput(_("The weekday is between 0 (Monday) and 6 (Sunday)."), field="weekday")
    if not 1 <= day_of_month <= 28:
        raise InvalidInput(_("The day of the month is between 1 and 28."), field="day_of_month")
    with transaction.atomic():
        report, _created = ScheduledReport.objects.update_or_create(kind=kind, defaults={
            "enabled": enabled, "recipients": "\n".join(lines), "weekday": weekday, "day_of_month": day_of_month})
    return report
