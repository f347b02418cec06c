from django.contrib import admin

from contexts.inventory import services
from crm.adminkit import ReadOnlyAdmin
from contexts.inventory.models import Location, Reservation, StockAlert, StockItem, StockMovement, Transfer, TransferLine


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "serves_web", "is_active")
    list_filter = ("kind", "serves_web", "is_active")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.location_create(code=obj.code, name=obj.name, kind=obj.kind, serves_web=obj.serves_web)
        obj.pk = created.pk


@admin.register(StockItem)
class StockItemAdmin(admin.ModelAdmin):
    list_display = ("variant_id", "location", "on_hand", "reserved", "reorder_point")
    list_filter = ("location",)
    search_fields = ("=variant_id", "=product_id")
    list_select_related = ("location",)
    readonly_fields = ("variant_id", "product_id", "location", "on_hand", "reserved")
    fields = ("variant_id", "product_id", "location", "on_hand", "reserved", "reorder_point")

    def has_add_permission(self, request):
        return False  # stock enters through receipts


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "variant_id", "location", "quantity", "reference")
    list_filter = ("kind", "location")
    search_fields = ("=variant_id", "reference")
    list_select_related = ("location",)


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "variant_id", "location", "quantity", "reference", "status", "expires_at")
    list_filter = ("status", "location")
    search_fields = ("=variant_id", "reference")
    list_select_related = ("location",)


class TransferLineInline(admin.TabularInline):
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
    list_display = ("created_at", "variant_id", "location", "available", "reorder_point", "is_open")
    list_filter = ("is_open", "location")
    list_select_related = ("location",)
