from django.contrib import admin

from contexts.engagement.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "kind", "recipient", "subject")
    list_filter = ("kind",)
    search_fields = ("recipient", "subject")
