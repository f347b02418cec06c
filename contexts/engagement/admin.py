from django.contrib import admin

from contexts.engagement.models import Notification
from crm.adminkit import ModelAdmin


@admin.register(Notification)
class NotificationAdmin(ModelAdmin):
    list_display = ("sent_at", "kind", "recipient", "subject")
    list_filter = ("kind",)
    search_fields = ("recipient", "subject")
from contexts.engagement.reporting import admin as _reporting_admin  # noqa: E402,F401  (dashboard, scheduled reports)
