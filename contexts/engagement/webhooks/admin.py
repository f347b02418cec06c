"""Back office of outgoing webhooks: endpoints (the secret shown once, after creation), the
deliveries with their log of attempts, and the "Renvoyer" action (a manual resend)."""
from django import forms
from unfold.widgets import UnfoldAdminURLInputWidget
from django.contrib import admin, messages
from django.db import transaction

from contexts.engagement.webhooks import net, services
from contexts.engagement.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from crm.adminkit import ModelAdmin, ReadOnlyAdmin, ReadOnlyInline


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https", widget=UnfoldAdminURLInputWidget)

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "event_types", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            net.check_url(url)
        except net.Refused as exc:
            raise forms.ValidationError(f"Cette URL ne peut pas recevoir de webhooks : {exc}.")
        return url

    def clean_event_types(self):
        names = [n.strip() for n in self.cleaned_data["event_types"] if n.strip()]
        unknown = sorted(set(names) - services.known_event_types() - {services.ALL})
        if unknown:
            raise forms.ValidationError(f"Événements inconnus : {', '.join(unknown)}.")
        if not names:
            raise forms.ValidationError("Au moins un événement (ou « * » pour tous).")
        return names


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ModelAdmin):
    form = EndpointForm
    list_display = ("url", "description", "is_active", "consecutive_failures", "disabled_at", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("consecutive_failures", "disabled_at", "disabled_reason", "created_at")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                changes = {f: form.cleaned_data[f] for f in form.changed_data}
                services.update_endpoint(endpoint=WebhookEndpoint.objects.get(pk=obj.pk), **changes)
                return
            created = services.create_endpoint(url=obj.url, event_types=obj.event_types, description=obj.description,
                                               created_by_id=request.user.pk)
            obj.pk, obj.secret = created.pk, created.secret
        self.message_user(request, f"Secret de signature (affiché une seule fois, notez-le) : {created.secret}",
                          messages.WARNING)

    def delete_model(self, request, obj):
        with transaction.atomic():
            services.delete_endpoints(ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            services.delete_endpoints(ids=list(queryset.values_list("pk", flat=True)))


class AttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ("number", "attempted_at", "status_code", "duration_ms", "error", "manual")
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event_name", "endpoint", "status", "attempts", "last_status_code", "delivered_at")
    list_filter = ("status", "event_name")
    list_select_related = ("endpoint",)
    search_fields = ("event_id",)
    readonly_fields = ("endpoint", "event_id", "event_name", "status", "attempts", "last_status_code",
                       "next_attempt_at", "delivered_at", "created_at", "body")
    exclude = ("claimed_at",)
    inlines = [AttemptInline]
    actions = ["resend"]

    @admin.action(description="Renvoyer")
    def resend(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                with transaction.atomic():
                    services.resend(delivery=delivery)
                sent += 1
            except services.AlreadySending:
                continue
        self.message_user(request, f"{sent} envoi(s) relancé(s).")

    def has_change_permission(self, request, obj=None):  # the action needs it; the page stays read-only
        return request.user.has_perm("engagement.change_webhookdelivery") and obj is None
