from django.contrib import admin

from contexts.inventory.services import stock
from crm.adminkit import ModelAdmin, ReadOnlyAdmin, TabularInline, cross_context_link
from contexts.inventory.models import Location, Reservation, StockAlert, StockItem, StockMovement, Transfer, TransferLine



@admin.register(Location)
class LocationAdmin(ModelAdmin):
    list_display = ("code", "name", "kind", "serves_web", "is_active")
    list_filter = ("kind", "serves_web", "is_active")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = stock.location_create(code=obj.code, name=obj.name, kind=obj.kind, serves_web=obj.serves_web)
        obj.pk = created.pk


@admin.register(StockItem)
class StockItemAdmin(ModelAdmin):
    list_display = ("variant", "location", "on_hand", "reserved", "reorder_point")
    cross_context_links = {"variant_id": "variant"}
    variant = cross_context_link("variant_id", "article")
    list_filter = ("location",)
    search_fields = ("=variant_id", "=product_id")
    list_select_related = ("location",)
    readonly_fields = ("variant_id", "product_id", "location", "on_hand", "reserved")
    fields = ("variant_id", "product_id", "location", "on_hand", "reserved", "reorder_point")
    addable = False  # stock enters through receipts

    def save_model(self, request, obj, form, change):
        """The reorder point goes through the service: audited, and the low-stock check runs."""
        if "reorder_point" in form.changed_data:
            stock.set_reorder_point(variant_id=obj.variant_id, location_id=obj.location_id,
                                       reorder_point=obj.reorder_point)


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "variant", "location", "quantity", "reference")
    cross_context_links = {"variant_id": "variant"}
    variant = cross_context_link("variant_id", "article")
    list_filter = ("kind", "location")
    search_fields = ("=variant_id", "reference")
    list_select_related = ("location",)


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "variant", "location", "quantity", "reference", "owner", "status", "expires_at")
    cross_context_links = {"variant_id": "variant"}
    variant = cross_context_link("variant_id", "article")
    list_filter = ("status", "location")
    search_fields = ("=variant_id", "reference", "owner")
    list_select_related = ("location",)


class TransferLineInline(TabularInline):
    model = TransferLine
    extra = 0
    readonly_fields = ("variant_id", "product_id", "quantity")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "source", "destination", "status", "shipped_at", "received_at")
    list_filter = ("status",)
    list_select_related = ("source", "destination")
    inlines = [TransferLineInline]


@admin.register(StockAlert)
class StockAlertAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "variant", "location", "available", "reorder_point", "is_open")
    cross_context_links = {"variant_id": "variant"}
    variant = cross_context_link("variant_id", "article")
    list_filter = ("is_open", "location")
    list_select_related = ("location",)
