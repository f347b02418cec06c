from django.contrib import admin, messages

from contexts.commercial.models import (
    AgentAssignment, Cart, CartItem, Commission, CommissionScale, CommissionStatement, CommissionTier, Contract,
    ContractLine, Order, OrderLine, OrderReturn, OrderStatusChange, SalesAgent,
)
from contexts.commercial.services import contracts
from contexts.commercial.selectors import ORDER_EXPORT_FIELDS
from crm.exports import csv_admin_action
from crm.adminkit import DraftLinesInline, ModelAdmin, ReadOnlyInline, TabularInline, cross_context_link
from crm.rest.errors import DomainError



class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = ("label", "variant_id", "quantity", "unit_price", "discount", "total", "vat_rate")


class HistoryInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = readonly_fields = ("at", "from_status", "to_status", "note")


class ReturnInline(ReadOnlyInline):
    model = OrderReturn
    fields = readonly_fields = ("created_at", "lines", "amount", "credit_note_number", "reason")


@admin.register(Order)
class OrderAdmin(ModelAdmin):
    actions = [csv_admin_action(ORDER_EXPORT_FIELDS, "orders.csv")]
    list_display = ("created_at", "id", "status", "total", "invoice_number", "client")
    list_filter = ("status", "channel")
    cross_context_links = {"client_id": "client"}
    client = cross_context_link("client_id", "client")
    search_fields = ("=id", "invoice_number", "=client_id", "=customer_id")
    date_hierarchy = "created_at"
    readonly_fields = ["client"] + [f.name for f in Order._meta.fields]
    inlines = [OrderLineInline, HistoryInline, ReturnInline]
    addable = deletable = False


class CartItemInline(TabularInline):
    model = CartItem
    extra = 0
    readonly_fields = ("variant_id", "quantity")


@admin.register(Cart)
class CartAdmin(ModelAdmin):
    list_display = ("updated_at", "session_id", "customer_id", "status")
    list_filter = ("status",)
    inlines = [CartItemInline]
    readonly_fields = ("session_id", "customer_id", "status", "coupon", "recovery_sent_at")


class TierInline(TabularInline):
    model = CommissionTier
    extra = 1


@admin.register(CommissionScale)
class CommissionScaleAdmin(ModelAdmin):
    list_display = ("name", "kind", "basis", "category_id")
    inlines = [TierInline]


class AssignmentInline(TabularInline):
    model = AgentAssignment
    extra = 0
    list_select_related = ("scale",)


@admin.register(SalesAgent)
class SalesAgentAdmin(ModelAdmin):
    list_display = ("name", "email", "is_active")
    inlines = [AssignmentInline]


@admin.register(Commission)
class CommissionAdmin(ModelAdmin):
    list_display = ("created_at", "agent", "source", "base", "amount", "period")
    list_filter = ("period", "source", "agent")
    list_select_related = ("agent",)
    readonly_fields = [f.name for f in Commission._meta.fields]
    addable = False


@admin.register(CommissionStatement)
class CommissionStatementAdmin(ModelAdmin):
    list_display = ("period", "agent", "total", "lines", "created_at")
    list_filter = ("period",)
    list_select_related = ("agent",)


class ContractLineInline(DraftLinesInline):
    """Lines are the signed agreement: editable while the contract is a draft, read-only after."""

    model = ContractLine

    def editable(self, contract):
        return contract.status == "draft"


@admin.register(Contract)
class ContractAdmin(ModelAdmin):
    list_display = ("title", "client", "status", "start_date", "end_date", "recurrence", "tacit_renewal")
    cross_context_links = {"client_id": "client"}
    client = cross_context_link("client_id", "client")
    list_filter = ("status", "recurrence")
    list_select_related = ("agent",)
    readonly_fields = ("client", "status", "signed_at", "signed_by")
    inlines = [ContractLineInline]
    actions = ["sign"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != "draft":  # signed terms do not change
            return ["client"] + [f.name for f in Contract._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == "draft"

    @admin.action(description="Mark the selected drafts as signed")
    def sign(self, request, queryset):
        for contract in queryset.filter(status="draft"):
            try:
                contracts.contract_sign(contract_id=contract.pk, signed_by=request.user.get_username())
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)


# The WooCommerce channel's admin is declared beside its code.
from contexts.commercial.channels.woocommerce import admin as _woocommerce_admin  # noqa: E402,F401
