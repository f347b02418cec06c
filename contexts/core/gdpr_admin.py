"""The back office's GDPR actions on clients (owner and administrators only): export a person's
data as a ZIP, erase a person after a confirmation page that says what is kept and why. Both call
the same services as the API (contexts/core/gdpr.py)."""
from __future__ import annotations

from django.contrib import admin, messages
from django.db import connection, transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _, gettext_lazy

from contexts.core import gdpr
from contexts.core.models import GdprRequest
from crm.adminkit import ReadOnlyAdmin
from crm.rest.errors import DomainError


def _may(request) -> bool:
    return request.user.has_perm("core.add_gdprrequest")


@admin.action(description=gettext_lazy("GDPR: export this person's data (ZIP)"))
def gdpr_export(modeladmin, request, queryset):
    if not _may(request):
        modeladmin.message_user(request, _("Only the owner or an administrator handles GDPR requests."), messages.ERROR)
        return None
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Select exactly one client to export."), messages.ERROR)
        return None
    with transaction.atomic(durable=True):
        record = gdpr.record_export(subject=gdpr.find_subject(client_id=queryset.get().pk),
                                    requested_by=request.user.get_username())
    content = gdpr.export_archive(request=record, organisation=getattr(getattr(connection, "tenant", None), "name", ""))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="rgpd-{record.pk}.zip"'
    return response


@admin.action(description=gettext_lazy("GDPR: erase this person (keeps issued invoices)"))
def gdpr_erase(modeladmin, request, queryset):
    if not _may(request):
        modeladmin.message_user(request, _("Only the owner or an administrator handles GDPR requests."), messages.ERROR)
        return None
    clients = list(queryset[:20])
    if request.POST.get("confirm") != "yes":
        return TemplateResponse(request, "admin/core/gdpr_erase_confirmation.html", {
            **modeladmin.admin_site.each_context(request), "title": _("GDPR erasure"), "clients": clients,
            "retention": gdpr.RETENTION_NOTE, "opts": modeladmin.model._meta})
    for client in clients:
        try:
            with transaction.atomic(durable=True):
                record = gdpr.erase(subject=gdpr.find_subject(client_id=client.pk), requested_by=request.user.get_username())
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
            continue
        modeladmin.message_user(request, _("Erased: now %(pseudonym)s. Issued invoices and the till's journal are kept.")
                                % {"pseudonym": record.pseudonym}, messages.SUCCESS)
    return None


@admin.register(GdprRequest)
class GdprRequestAdmin(ReadOnlyAdmin):
    list_display = ("kind", "status", "pseudonym", "requested_by", "created_at", "completed_at")
    list_filter = ("kind", "status")
    readonly_fields = ("kind", "status", "client_ids", "customer_ids", "email_sha256", "pseudonym", "requested_by",
                       "summary", "created_at", "completed_at")
