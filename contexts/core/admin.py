from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from contexts.core.accounts import api_keys
from contexts.core.accounts.models import Role
from contexts.core.accounts.roles import grantable_roles
from contexts.core.models import ApiKey, Client, Customer, CustomerAddress
from contexts.core.selectors import CLIENT_EXPORT_FIELDS
from crm.adminkit import ModelAdmin, TabularInline
from crm.exports import csv_admin_action
from contexts.core import gdpr_admin  # GDPR actions and the requests' page


@admin.register(Client)
class ClientAdmin(ModelAdmin):
    actions = [csv_admin_action(CLIENT_EXPORT_FIELDS, "clients.csv"), gdpr_admin.gdpr_export, gdpr_admin.gdpr_erase]
    list_display = ("__str__", "kind", "email", "city", "created_at")
    list_filter = ("kind",)
    search_fields = ("last_name", "first_name", "company_name", "email", "siren")


@admin.register(ApiKey)
class ApiKeyAdmin(ModelAdmin):
    list_display = ("name", "prefix", "role", "created_at", "last_used_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix")
    fields = ("name", "role", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]
    deletable = False  # revoke instead: the audit trail keeps pointing at it

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "role":
            # A key never has more rights than the person who creates it.
            allowed = set(grantable_roles(getattr(request.user, "role", ""), superuser=request.user.is_superuser))
            return forms.ChoiceField(choices=[(r.value, r.label) for r in Role if r.value in allowed], initial="viewer")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (("name", "role") if obj else ())

    def save_model(self, request, obj, form, change):
        if not change:
            key, obj.prefix, obj.secret_hash = api_keys.new_api_key()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            messages.warning(request, f"API key for {obj.name}: {key} — copy it now, it will not be shown again.")
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
        self.message_user(request, "Clé révoquée.")


class CustomerAddressInline(TabularInline):
    model = CustomerAddress
    extra = 0


@admin.register(Customer)
class CustomerAdmin(ModelAdmin):
    list_display = ("email", "first_name", "last_name", "is_active", "created_at")
    search_fields = ("email", "last_name")
    list_filter = ("is_active",)
    exclude = ("password",)
    list_select_related = ("client",)
    raw_id_fields = ("client",)
    inlines = [CustomerAddressInline]
