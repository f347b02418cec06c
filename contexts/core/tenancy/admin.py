"""Platform admin (public schema only): organisations and domains.

Registered on `platform_site`, never on the tenants' admin, so a tenant's staff cannot list
the other organisations."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_tenants.admin import TenantAdminMixin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from contexts.core.accounts.models import User
from contexts.core.tenancy.models import Domain, Organisation
from crm.adminkit import ModelAdmin, TabularInline
from crm.platform import platform_site


class DomainInline(TabularInline):
    model = Domain
    extra = 0


@admin.register(Organisation, site=platform_site)
class OrganisationAdmin(TenantAdminMixin, ModelAdmin):
    list_display = ("name", "schema_name", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "schema_name", "siren")
    inlines = [DomainInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            messages.info(request, f"Schema {obj.schema_name} created and migrated.")


@admin.register(User, site=platform_site)
class PlatformUserAdmin(BaseUserAdmin, ModelAdmin):
    form, add_form, change_password_form = UserChangeForm, UserCreationForm, AdminPasswordChangeForm
