"""Back office of the WooCommerce sync: the connection (key and secret typed in, never shown),
"synchroniser maintenant", and the runs with their report (read-only). Saves and actions call
the same services as the API (sync.connection_save, sync.run_request)."""
from django import forms
from unfold.widgets import UnfoldAdminPasswordWidget, UnfoldAdminURLInputWidget
from django.contrib import admin, messages

from contexts.commercial.channels.woocommerce import sync
from contexts.commercial.channels.woocommerce.models import WooConnection, WooLink, WooSyncRun
from crm.adminkit import ModelAdmin, ReadOnlyAdmin
from crm.rest.errors import DomainError


class ConnectionForm(forms.ModelForm):
    store_url = forms.URLField(label="Adresse de la boutique", max_length=300, assume_scheme="https",
                               widget=UnfoldAdminURLInputWidget, help_text="https://boutique.example.com (sans /wp-json)")
    consumer_key = forms.CharField(label="Clé client (ck_...)", required=False, max_length=200,
                                   widget=UnfoldAdminPasswordWidget(render_value=False),
                                   help_text="laisser vide pour garder la clé enregistrée")
    consumer_secret = forms.CharField(label="Secret client (cs_...)", required=False, max_length=200,
                                      widget=UnfoldAdminPasswordWidget(render_value=False),
                                      help_text="laisser vide pour garder le secret enregistré")

    class Meta:
        model = WooConnection
        fields = ["store_url", "consumer_key", "consumer_secret", "is_active", "push_stock"]

    def clean(self):
        data = super().clean()
        if not self.instance.consumer_key_encrypted and not data.get("consumer_key"):
            self.add_error("consumer_key", "obligatoire pour une nouvelle connexion")
        if not self.instance.consumer_secret_encrypted and not data.get("consumer_secret"):
            self.add_error("consumer_secret", "obligatoire pour une nouvelle connexion")
        return data


@admin.register(WooConnection)
class WooConnectionAdmin(ModelAdmin):
    form = ConnectionForm
    list_display = ("store_url", "is_active", "push_stock", "synced_until")
    readonly_fields = ("synced_until", "location_id")
    actions = ["sync_now", "sync_all"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WooConnection.objects.exists()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        # The admin's change view owns the transaction (the service joins it).
        saved = sync.connection_save(store_url=data["store_url"], consumer_key=data.get("consumer_key") or None,
                                     consumer_secret=data.get("consumer_secret") or None,
                                     is_active=data["is_active"], push_stock=data["push_stock"])
        obj.pk = saved.pk

    def _request_run(self, request, *, full: bool):
        try:
            run = sync.run_request(trigger="admin", full=full)  # joins the request's transaction, or opens one
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Synchronisation {run.id} lancée : son rapport est dans « synchronisations WooCommerce ».")

    @admin.action(description="Synchroniser maintenant (ce qui a changé)", permissions=["change"])
    def sync_now(self, request, queryset):
        self._request_run(request, full=False)

    @admin.action(description="Tout réimporter", permissions=["change"])
    def sync_all(self, request, queryset):
        self._request_run(request, full=True)


@admin.register(WooSyncRun)
class WooSyncRunAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "trigger", "full", "status", "attempts", "finished_at", "error")
    list_filter = ("status", "trigger")
    readonly_fields = [f.name for f in WooSyncRun._meta.fields if f.name != "singleton_guard"]
    exclude = ("singleton_guard",)


@admin.register(WooLink)
class WooLinkAdmin(ReadOnlyAdmin):
    list_display = ("kind", "external_id", "local_id", "modified_at", "synced_at")
    list_filter = ("kind",)
    search_fields = ("=external_id", "=local_id")
