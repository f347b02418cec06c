from django.contrib import admin, messages

from crm import eventbus
from crm.adminkit import ReadOnlyAdmin
from crm.models import AuditEntry, DeadLetter, OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("name", "id", "created_at", "sent_at", "send_attempts")
    list_filter = ("name", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("id", "name")
    date_hierarchy = "created_at"


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    list_display = ("event_name", "subscriber", "attempts", "created_at", "retried_at", "resolved_at")
    list_filter = ("event_name", "subscriber", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("event_id", "subscriber", "error")
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("crm.change_deadletter") and obj is None

    @admin.action(description="Retry the selected dead letters", permissions=["change"])
    def retry(self, request, queryset):
        count = 0
        for letter in queryset.filter(resolved_at__isnull=True):
            eventbus.retry_dead_letter(dead_letter_id=letter.id)
            count += 1
        self.message_user(request, f"{count} événement(s) remis en file.", messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "actor_type", "action", "object_type", "object_repr")
    list_filter = ("action", "actor_type", "object_type")
    search_fields = ("object_id", "actor_label", "object_repr", "request_id")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("crm.view_auditentry")
