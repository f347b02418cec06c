"""Inputs and outputs of the logistics API (field names in English)."""
from rest_framework import serializers

from contexts.logistics.models import (
    Collection, Dispatch, DispatchKind, Parcel, Shipment, ShipmentChange, ShipmentLine, TrackingEvent,
)
from crm.rest.parsers import PG_INTEGER_MAX


class ShipmentLineInput(serializers.Serializer):
    variant_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=PG_INTEGER_MAX)
    label = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ShipmentInput(serializers.Serializer):
    order_id = serializers.UUIDField()
    client_id = serializers.UUIDField()
    lines = ShipmentLineInput(many=True, allow_empty=False, max_length=500)


class ParcelSerializer(serializers.ModelSerializer):
    weight_grams = serializers.IntegerField(min_value=1, max_value=70000)
    length_cm = serializers.IntegerField(min_value=1, max_value=300)
    width_cm = serializers.IntegerField(min_value=1, max_value=300)
    height_cm = serializers.IntegerField(min_value=1, max_value=300)

    class Meta:
        model = Parcel
        fields = ["weight_grams", "length_cm", "width_cm", "height_cm"]


class PackInput(serializers.Serializer):
    parcels = ParcelSerializer(many=True, allow_empty=False, max_length=50)


class ShipInput(serializers.Serializer):
    carrier = serializers.SlugField(max_length=30, help_text="the carrier's code")
    service = serializers.CharField(max_length=40)


class CancelInput(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ShipmentLineOutput(serializers.ModelSerializer):
    class Meta:
        model = ShipmentLine
        fields = ["variant_id", "label", "quantity"]


class ShipmentOutput(serializers.ModelSerializer):
    carrier = serializers.SerializerMethodField()
    lines = ShipmentLineOutput(many=True, read_only=True)
    parcels = ParcelSerializer(many=True, read_only=True)
    label_url = serializers.SerializerMethodField()

    class Meta:
        model = Shipment
        fields = ["id", "order_id", "client_id", "location_id", "status", "recipient_name", "address_line", "postal_code",
                  "city", "country", "carrier", "service", "tracking_number", "label_state", "label_error", "label_url",
                  "shipping_cost", "lines", "parcels", "created_at", "updated_at"]

    def get_carrier(self, obj) -> str:
        return obj.carrier.code if obj.carrier_id else ""

    def get_label_url(self, obj) -> str | None:
        return obj.label.url if obj.label else None


class ShipmentChangeOutput(serializers.ModelSerializer):
    class Meta:
        model = ShipmentChange
        fields = ["from_status", "to_status", "note", "at"]


class TrackingEventOutput(serializers.ModelSerializer):
    class Meta:
        model = TrackingEvent
        fields = ["external_id", "carrier_status", "status", "description", "occurred_at"]


class TrackingOutput(serializers.Serializer):
    status = serializers.CharField()
    tracking_number = serializers.CharField()
    history = ShipmentChangeOutput(many=True)
    events = TrackingEventOutput(many=True)


class DispatchInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DispatchKind.choices)
    address_lines = serializers.ListField(child=serializers.CharField(max_length=200, allow_blank=True), allow_empty=False,
                                          max_length=20, help_text="the recipient first; at most 5 lines of 38 characters")
    postal_code = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)
    country = serializers.CharField(max_length=2, required=False, default="FR")
    document = serializers.CharField(help_text="the PDF, base64-encoded (10 MB at most)", max_length=14 * 1024 * 1024)


class DispatchOutput(serializers.ModelSerializer):
    proof_available = serializers.SerializerMethodField()

    class Meta:
        model = Dispatch
        fields = ["id", "kind", "status", "address_lines", "postal_code", "city", "provider_reference", "cost", "error",
                  "proof_available", "created_at", "updated_at"]

    def get_proof_available(self, obj) -> bool:
        return bool(obj.proof)


class CollectionInput(serializers.Serializer):
    order_id = serializers.UUIDField()
    client_id = serializers.UUIDField()
    location_id = serializers.UUIDField()
    lines = ShipmentLineInput(many=True, allow_empty=False, max_length=500)


class CollectInput(serializers.Serializer):
    code = serializers.CharField(max_length=8)


class CollectionOutput(serializers.ModelSerializer):
    class Meta:
        model = Collection
        fields = ["id", "order_id", "client_id", "location_id", "status", "lines", "created_at", "ready_at", "closed_at"]


class QuoteInput(serializers.Serializer):
    country = serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2)
    weight_grams = serializers.IntegerField(min_value=1, max_value=70000)


class QuoteOutput(serializers.Serializer):
    carrier = serializers.CharField()
    service = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
