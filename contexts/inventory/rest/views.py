"""Inventory API: stock per product, reservations, transfers, alerts, locations, receipts."""
import datetime

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.inventory import selectors
from contexts.inventory.models import Location, Reservation, StockAlert, StockItem, StockMovement, Transfer
from contexts.inventory.services import reservations, stock, transfers
from crm.rest.schema import results_of
from crm.rest.parsers import PG_INTEGER_MAX, validated
from django.utils.translation import gettext as _


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "code", "name", "kind", "serves_web", "is_active"]
        read_only_fields = ["id", "is_active"]


class LocationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = LocationSerializer
    queryset = selectors.location_list()
    filterset_fields = ["kind", "is_active"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = stock.location_create(code=d["code"], name=d["name"], kind=d["kind"],
                                                       serves_web=d.get("serves_web", False))


class StockRow(serializers.ModelSerializer):
    location = serializers.CharField(source="location.code")
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockItem
        fields = ["variant_id", "location", "on_hand", "reserved", "available", "reorder_point"]


class StockView(APIView):
    queryset = StockItem.objects.none()

    @extend_schema(responses={200: results_of("ProductStock", StockRow, product_id=serializers.UUIDField())})
    def get(self, request, product_id):
        rows = selectors.stock_of_product(product_id=product_id)
        return Response({"product_id": str(product_id), "results": StockRow(rows, many=True).data})


class ReserveInput(serializers.Serializer):
    variant_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=10000)
    reference = serializers.CharField(max_length=100)
    location_id = serializers.UUIDField(required=False, allow_null=True)
    ttl_seconds = serializers.IntegerField(min_value=30, max_value=7 * 24 * 3600, default=1200)


class ReservationOutput(serializers.ModelSerializer):
    class Meta:
        model = Reservation
        fields = ["id", "variant_id", "location_id", "quantity", "reference", "status", "expires_at"]


class ReserveView(APIView):
    queryset = Reservation.objects.none()

    @extend_schema(request=ReserveInput, responses={201: ReservationOutput})
    def post(self, request):
        d = validated(ReserveInput, request.data)
        r = reservations.reserve(variant_id=d["variant_id"], quantity=d["quantity"], reference=d["reference"],
                             location_id=d.get("location_id"), ttl=datetime.timedelta(seconds=d["ttl_seconds"]))
        return Response(ReservationOutput(r).data, status=status.HTTP_201_CREATED)


class TransferLineInput(serializers.Serializer):
    variant_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=PG_INTEGER_MAX)


class TransferInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["request", "ship", "receive", "cancel"])
    transfer_id = serializers.UUIDField(required=False)
    source_id = serializers.UUIDField(required=False)
    destination_id = serializers.UUIDField(required=False)
    lines = TransferLineInput(many=True, required=False)

    def validate(self, attrs):
        if attrs["action"] == "request":
            missing = [f for f in ("source_id", "destination_id", "lines") if not attrs.get(f)]
        else:
            missing = [] if attrs.get("transfer_id") else ["transfer_id"]
        if missing:
            raise serializers.ValidationError({f: [_("This field is required for this action.")] for f in missing})
        return attrs


class TransferOutput(serializers.ModelSerializer):
    lines = TransferLineInput(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = ["id", "source_id", "destination_id", "status", "created_at", "shipped_at", "received_at", "lines"]


class TransferView(APIView):
    queryset = Transfer.objects.none()

    @extend_schema(request=TransferInput, responses={200: TransferOutput})
    def put(self, request):
        d = validated(TransferInput, request.data)
        if d["action"] == "request":
            t = transfers.transfer_request(source_id=d["source_id"], destination_id=d["destination_id"], lines=d["lines"])
        else:
            t = getattr(transfers, f"transfer_{d['action']}")(transfer_id=d["transfer_id"])
        t = selectors.transfer_detail(transfer_id=t.pk)
        return Response(TransferOutput(t).data)


class AlertOutput(serializers.ModelSerializer):
    location = serializers.CharField(source="location.code")

    class Meta:
        model = StockAlert
        fields = ["id", "variant_id", "product_id", "location", "available", "reorder_point", "is_open", "created_at", "closed_at"]


class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AlertOutput
    queryset = selectors.alert_list()
    filterset_fields = ["is_open"]


class ReceiptInput(serializers.Serializer):
    variant_id = serializers.UUIDField()
    product_id = serializers.UUIDField()
    location_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=PG_INTEGER_MAX)
    reference = serializers.CharField(max_length=100, required=False, default="")


class ReceiptView(APIView):
    queryset = StockMovement.objects.none()

    @extend_schema(request=ReceiptInput, responses={201: StockRow})
    def post(self, request):
        item = selectors.stock_row(item_id=stock.receive(**validated(ReceiptInput, request.data)).pk)
        return Response(StockRow(item).data, status=status.HTTP_201_CREATED)
