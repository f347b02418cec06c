"""Back office of logistics (French): shipments with their lines, parcels, history and
tracking; carriers and their rate tables; shelves; click and collect; postal dispatches.
What the application writes is read-only here; staff actions go through the services."""
from django.contrib import admin, messages
from django.db import models

from contexts.logistics.models import (
    Carrier, Collection, Dispatch, DispatchChange, Parcel, Rate, Shelf, Shipment, ShipmentChange, ShipmentLine, TrackingEvent,
)
from contexts.logistics.services import collections, shipments
from crm.adminkit import ModelAdmin, ReadOnlyAdmin, ReadOnlyInline, TabularInline, cross_context_link
from crm.rest.errors import DomainError


def _client_links(ids):
    from contexts.core import api as core_api

    return core_api.client_links(ids=ids)


class RateInline(TabularInline):
    model = Rate
    extra = 1
    fields = ("service", "zone", "max_weight_grams", "price")


@admin.register(Carrier)
class CarrierAdmin(ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("code", "name", "api_base", "is_active")
    list_filter = ("is_active",)
    inlines = [RateInline]


@admin.register(Shelf)
class ShelfAdmin(ModelAdmin):
    list_display = ("location_id", "variant_id", "shelf")
    search_fields = ("shelf", "=variant_id")


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ("variant_id", "label", "quantity")
    readonly_fields = fields


class ParcelInline(ReadOnlyInline):
    model = Parcel
    fields = ("weight_grams", "length_cm", "width_cm", "height_cm")
    readonly_fields = fields


class ShipmentChangeInline(ReadOnlyInline):
    model = ShipmentChange
    fields = ("at", "from_status", "to_status", "note")
    readonly_fields = fields


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ("occurred_at", "carrier_status", "status", "description")
    readonly_fields = fields


def _run(modeladmin, request, queryset, command, done: str):
    ok = 0
    for obj in queryset:
        try:
            command(obj)
            ok += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj} : {exc.message}", messages.WARNING)
    if ok:
        modeladmin.message_user(request, f"{ok} {done}.", messages.SUCCESS)


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "client", "order_id", "status", "carrier", "tracking_number", "label_state", "created_at")
    cross_context_links = {"client_id": _client_links}
    client = cross_context_link("client_id", "client")
    list_filter = ("status", "label_state", "carrier")
    search_fields = ("=order_id", "tracking_number", "recipient_name")
    list_select_related = ("carrier",)
    inlines = [ShipmentLineInline, ParcelInline, ShipmentChangeInline, TrackingEventInline]
    actions = ["mark_picked", "cancel_shipments"]

    @admin.action(description="Marquer comme prélevées")
    def mark_picked(self, request, queryset):
        _run(self, request, queryset, lambda s: shipments.pick(shipment_id=s.pk), "expédition(s) prélevée(s)")

    @admin.action(description="Annuler les expéditions")
    def cancel_shipments(self, request, queryset):
        _run(self, request, queryset, lambda s: shipments.cancel(shipment_id=s.pk, note="annulée dans l'administration"),
             "expédition(s) annulée(s)")


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ("order_id", "client", "location_id", "status", "created_at", "ready_at")
    cross_context_links = {"client_id": _client_links}
    client = cross_context_link("client_id", "client")
    list_filter = ("status",)
    search_fields = ("=order_id",)
    exclude = ("code",)  # handed over against the code the customer received
    actions = ["mark_ready"]

    @admin.action(description="Marquer comme prêtes (le client reçoit son code)")
    def mark_ready(self, request, queryset):
        _run(self, request, queryset, lambda c: collections.ready(collection_id=c.pk), "retrait(s) prêt(s)")


class DispatchChangeInline(ReadOnlyInline):
    model = DispatchChange
    fields = ("at", "from_status", "to_status")
    readonly_fields = fields


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "client", "kind", "status", "cost", "source", "created_at")
    cross_context_links = {"client_id": _client_links}
    client = cross_context_link("client_id", "client")
    list_filter = ("kind", "status", "source")
    search_fields = ("provider_reference", "=invoice_id")
    inlines = [DispatchChangeInline]
