"""Back office of engagement (French): messages, staff notifications, contact preferences,
timeline, activities, tasks, health scores and loyalty. Writes go through the services."""
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from contexts.engagement import selectors
from contexts.engagement.models import (
    Activity, ClientHealth, ContactPreference, LoyaltyAccount, LoyaltyEntry, LoyaltyProgram, LoyaltyTier, Notification,
    StaffNotification, Task, TimelineEntry,
)
from contexts.engagement.services import activities, notifications
from crm.adminkit import ModelAdmin, ReadOnlyAdmin, ReadOnlyInline, cross_context_link
from crm.rest.errors import DomainError


def _client_links(ids):
    from contexts.core import api as core_api

    return core_api.client_links(ids=ids)


CLIENT = {"client_id": _client_links}
client_column = cross_context_link("client_id", "client", _client_links)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "kind", "channel", "purpose", "recipient", "subject", "status")
    list_filter = ("status", "channel", "purpose", "kind")
    search_fields = ("recipient", "subject")
    date_hierarchy = "sent_at"


@admin.register(StaffNotification)
class StaffNotificationAdmin(ReadOnlyAdmin):
    """Each staff member sees the notifications addressed to them and those for everyone."""

    list_display = ("created_at", "kind", "title", "unread")
    list_filter = ("kind",)
    actions = ["mark_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(Q(user_id=request.user.pk) | Q(user_id__isnull=True))

    @admin.display(description="non lue", boolean=True)
    def unread(self, obj):
        return obj.read_at is None

    @admin.action(description="Marquer comme lues")
    def mark_read(self, request, queryset):
        n = notifications.mark_read(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{n} notification(s) marquée(s) comme lue(s).")

    def has_change_permission(self, request, obj=None):  # the action needs it; the form stays read-only
        return request.user.has_perm("engagement.view_staffnotification") and obj is None


@admin.register(ContactPreference)
class ContactPreferenceAdmin(ModelAdmin):
    cross_context_links = CLIENT
    list_display = ("client_link", "marketing_email", "marketing_sms", "consent_at", "unsubscribed_at")
    list_filter = ("marketing_email", "marketing_sms")
    readonly_fields = ("consent_at", "unsubscribed_at")
    client_link = client_column

    def save_model(self, request, obj, form, change):
        notifications.set_consent(client_id=obj.client_id, marketing_email=obj.marketing_email, marketing_sms=obj.marketing_sms)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    cross_context_links = CLIENT
    list_display = ("occurred_at", "client_link", "source", "title", "amount")
    list_filter = ("source", "kind")
    search_fields = ("title",)
    date_hierarchy = "occurred_at"
    client_link = client_column


@admin.register(Activity)
class ActivityAdmin(ModelAdmin):
    cross_context_links = CLIENT
    list_display = ("occurred_at", "kind", "subject", "client_link")
    list_filter = ("kind",)
    search_fields = ("subject", "body")
    fields = ("client_id", "kind", "subject", "body", "occurred_at")
    client_link = client_column

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            created = activities.log_activity(client_id=obj.client_id, kind=obj.kind, subject=obj.subject, body=obj.body,
                                              occurred_at=obj.occurred_at, author_id=request.user.pk)
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        obj.pk = created.pk


class MineFilter(admin.SimpleListFilter):
    title = "assignation"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "Mes tâches")]

    def queryset(self, request, queryset):
        return queryset.filter(assignee_id=request.user.pk) if self.value() == "1" else queryset


@admin.register(Task)
class TaskAdmin(ModelAdmin):
    cross_context_links = CLIENT
    list_display = ("due_date", "title", "assignee_id", "client_link", "done_at")
    list_filter = (MineFilter, ("done_at", admin.EmptyFieldListFilter), "due_date")
    search_fields = ("title",)
    fields = ("title", "assignee_id", "due_date", "client_id", "done_at")
    readonly_fields = ("done_at",)
    actions = ["complete"]
    client_link = client_column

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = activities.create_task(title=obj.title, assignee_id=obj.assignee_id, due_date=obj.due_date, client_id=obj.client_id)
        obj.pk = created.pk

    @admin.action(description="Marquer comme faites")
    def complete(self, request, queryset):
        now = timezone.now()
        for pk in queryset.values_list("pk", flat=True):
            activities.complete_task(task_id=pk, now=now)


@admin.register(ClientHealth)
class ClientHealthAdmin(ReadOnlyAdmin):
    cross_context_links = CLIENT
    list_display = ("client_link", "score", "main_reasons", "computed_on")
    list_filter = ("computed_on",)
    client_link = client_column
    readonly_fields = ("client_link", "score", "main_reasons", "computed_on")
    fields = readonly_fields

    @admin.display(description="trois raisons principales")
    def main_reasons(self, obj):
        return " · ".join(selectors.top_reasons(obj))


@admin.register(LoyaltyProgram)
class LoyaltyProgramAdmin(ModelAdmin):
    list_display = ("points_per_euro", "point_value", "is_active")


@admin.register(LoyaltyTier)
class LoyaltyTierAdmin(ModelAdmin):
    list_display = ("name", "threshold")


class LoyaltyEntryInline(ReadOnlyInline):
    model = LoyaltyEntry
    fields = ("created_at", "kind", "points", "source", "source_id", "amount")
    readonly_fields = fields
    ordering = ("-created_at",)


@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(ReadOnlyAdmin):
    cross_context_links = CLIENT
    list_display = ("client_link", "balance", "earned_total", "tier")
    readonly_fields = ("client_link", "balance", "earned_total", "tier")
    fields = readonly_fields
    inlines = [LoyaltyEntryInline]
    client_link = client_column

    @admin.display(description="palier")
    def tier(self, obj):
        from contexts.engagement.services import loyalty

        return loyalty.tier_for(obj.earned_total)[0] or "—"


from contexts.engagement.reporting import admin as _reporting_admin  # noqa: E402,F401  (dashboard, scheduled reports)
from contexts.engagement.webhooks import admin as _webhooks_admin  # noqa: E402,F401  (outgoing webhooks)
