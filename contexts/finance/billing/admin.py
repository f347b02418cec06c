from django.contrib import admin

from contexts.finance.billing import services
from contexts.finance.billing.models import Plan, Subscription, SubscriptionCharge
from crm.adminkit import ModelAdmin, TabularInline
from crm.platform import platform_site


@admin.register(Plan, site=platform_site)
class PlanAdmin(ModelAdmin):
    list_display = ("name", "code", "monthly_price", "max_users", "max_locations", "is_active")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.plan_changed(obj)


class ChargeInline(TabularInline):
    model = SubscriptionCharge
    extra = 0
    can_delete = False
    readonly_fields = ("period", "amount", "status", "stripe_payment_intent", "failure", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription, site=platform_site)
class SubscriptionAdmin(ModelAdmin):
    list_display = ("schema_name", "plan", "status", "current_period_end")
    list_filter = ("status", "plan")
    list_select_related = ("plan",)
    readonly_fields = ("stripe_customer", "stripe_payment_method", "created_at")
    inlines = [ChargeInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.sync_entitlements(obj)
