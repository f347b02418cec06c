from django.contrib import admin, messages

from contexts.commercial.models import (
    AgentAssignment, Cart, CartItem, Commission, CommissionScale, CommissionStatement, CommissionTier, Contract,
    ContractLine, Order, OrderLine, OrderReturn, OrderStatusChange, SalesAgent,
)
from contexts.commercial.services import contracts
from crm.adminkit import ReadOnlyInline
from crm.rest.errors import DomainError


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("label", "variant_id", "quantity", "unit_price", "discount", "total", "vat_rate")
    readonly_fields = fields


class HistoryInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("at", "from_status", "to_status", "note")
    readonly_fields = fields


class ReturnInline(ReadOnlyInline):
    model = OrderReturn
    fields = ("created_at", "lines", "amount", "credit_note_number", "reason")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("created_at", "id", "status", "total", "invoice_number", "client_id")
    list_filter = ("status", "channel")
    search_fields = ("=id", "invoice_number", "=client_id", "=customer_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderLineInline, HistoryInline, ReturnInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    readonly_fields = ("variant_id", "quantity")


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("updated_at", "session_id", "customer_id", "status")
    list_filter = ("status",)
    inlines = [CartItemInline]
    readonly_fields = ("session_id", "customer_id", "status", "coupon", "recovery_sent_at")


class TierInline(admin.TabularInline):
    model = CommissionTier
    extra = 1


@admin.register(CommissionScale)
class CommissionScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "basis", "category_id")
    inlines = [TierInline]


class AssignmentInline(admin.TabularInline):
    model = AgentAssignment
    extra = 0
    list_select_related = ("scale",)


@admin.register(SalesAgent)
class SalesAgentAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "is_active")
    inlines = [AssignmentInline]


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "agent", "source", "base", "amount", "period")
    list_filter = ("period", "source", "agent")
    list_select_related = ("agent",)
    readonly_fields = [f.name for f in Commission._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CommissionStatement)
class CommissionStatementAdmin(admin.ModelAdmin):
    list_display = ("period", "agent", "total", "lines", "created_at")
    list_filter = ("period",)
    list_select_related = ("agent",)


class ContractLineInline(admin.TabularInline):
    model = ContractLine
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("title", "client_id", "status", "start_date", "end_date", "recurrence", "tacit_renewal")
    list_filter = ("status", "recurrence")
    list_select_related = ("agent",)
    readonly_fields = ("status", "signed_at", "signed_by")
    inlines = [ContractLineInline]
    actions = ["sign"]

    @admin.action(description="Mark the selected drafts as signed")
    def sign(self, request, queryset):
        for contract in queryset.filter(status="draft"):
            try:
                contracts.contract_sign(contract_id=contract.pk, signed_by=request.user.get_username())
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
