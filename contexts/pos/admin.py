"""Back office of the till: registers and shops, settings, sessions, tickets (read-only),
closings, the fiscal journal and its integrity check. Writes go through the services; fiscal
records are never editable (the database refuses anyway)."""
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from unfold.decorators import action

from contexts.pos.models import CashierSession, Closing, JournalEntry, PosSettings, Register, Shop, Tender, Ticket, TicketLine
from contexts.pos.services import integrity, registers
from crm.adminkit import ModelAdmin, ReadOnlyAdmin, ReadOnlyInline, cross_context_link
from crm.rest.errors import DomainError


def _location_links(ids):
    from contexts.inventory import api as inventory_api

    return {k: (f"{v.name} ({v.code})", "") for k, v in inventory_api.locations_by_ids(ids=ids).items()}


def _client_links(ids):
    from contexts.core import api as core_api

    return core_api.client_links(ids=ids)


@admin.register(Shop)
class ShopAdmin(ModelAdmin):
    list_display = ("name", "siret", "city", "location")
    cross_context_links = {"location_id": _location_links}
    location = cross_context_link("location_id", "emplacement")
    readonly_fields = ("location_id",)
    fields = ("location_id", "name", "siret", "address_line", "postal_code", "city", "receipt_footer")

    def has_add_permission(self, request):
        return False  # a shop appears with its first register

    def save_model(self, request, obj, form, change):
        try:
            registers.set_shop_identity(location_id=obj.location_id, name=obj.name, siret=obj.siret,
                                        address_line=obj.address_line, postal_code=obj.postal_code, city=obj.city,
                                        receipt_footer=obj.receipt_footer)
        except DomainError as exc:
            self.message_user(request, f"{exc.message} ({exc.field})", level=messages.ERROR)


@admin.register(PosSettings)
class PosSettingsAdmin(ModelAdmin):
    list_display = ("__str__", "discount_approval_percent")

    def has_add_permission(self, request):
        return not PosSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        registers.set_discount_threshold(percent=obj.discount_approval_percent)


@admin.register(Register)
class RegisterAdmin(ModelAdmin):
    list_display = ("code", "name", "location", "is_active", "last_number")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    cross_context_links = {"location_id": _location_links}
    location = cross_context_link("location_id", "emplacement")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "location_id", "last_number") if obj else ("last_number",)

    def has_delete_permission(self, request, obj=None):
        return False  # its tickets keep it

    def save_model(self, request, obj, form, change):
        if change:
            Register.objects.filter(pk=obj.pk).update(name=obj.name, is_active=obj.is_active)
            return
        created = registers.create_register(name=obj.name, code=obj.code, location_id=obj.location_id)
        obj.pk = created.pk


@admin.register(CashierSession)
class CashierSessionAdmin(ReadOnlyAdmin):
    list_display = ("opened_at", "register", "cashier_id", "opening_float", "status", "closed_at")
    list_filter = ("status", "register")
    list_select_related = ("register",)


class TicketLineInline(ReadOnlyInline):
    model = TicketLine
    fields = ("position", "sku", "name", "quantity", "unit_price", "promotion_discount", "discount",
              "ticket_discount_share", "total", "vat_rate")
    readonly_fields = fields


class TenderInline(ReadOnlyInline):
    model = Tender
    fields = ("position", "method", "amount", "tendered", "reference")
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "created_at", "total", "customer", "cashier_id")
    list_filter = ("kind", "register", "business_date")
    search_fields = ("=uuid", "=id", "register__code")
    list_select_related = ("register",)
    date_hierarchy = "business_date"
    cross_context_links = {"customer_id": _client_links}
    customer = cross_context_link("customer_id", "client")
    inlines = [TicketLineInline, TenderInline]


@admin.register(Closing)
class ClosingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "register_code", "period_start", "period_end", "gross", "automatic")
    list_filter = ("kind", "automatic")

    @admin.display(description="total TTC")
    def gross(self, obj):
        return obj.totals.get("gross")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "created_at", "register_code", "reference", "short_hash")
    list_filter = ("kind",)
    search_fields = ("=seq", "reference")
    actions_list = ["check_integrity"]

    @admin.display(description="empreinte")
    def short_hash(self, obj):
        return obj.hash[:16] + "…"

    @action(description="Vérifier l'intégrité du journal", url_path="verifier", permissions=["view"])
    def check_integrity(self, request):
        report = integrity.verify_journal()
        if report.ok:
            self.message_user(request, f"Journal intègre : {report.entries} entrées, {report.tickets} tickets, "
                                       f"{report.closings} clôtures.", level=messages.SUCCESS)
        else:
            first = report.problems[0]
            self.message_user(request, f"Journal altéré — première entrée en défaut : n° {first.seq} ({first.reason}). "
                                       f"{len(report.problems)} anomalie(s).", level=messages.ERROR)
        return HttpResponseRedirect(reverse("admin:pos_journalentry_changelist"))
