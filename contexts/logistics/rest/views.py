"""Logistics API: shipments and their actions (pick, pack, ship, cancel), tracking, the pick
list (PDF), postal dispatches (status, proof), click-and-collect lists per shop, and the
carrier's signed tracking webhook. Each view makes one domain call; commands own their
transaction in the services."""
from django.utils.translation import gettext as _
import base64
import binascii
import json
import logging

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.logistics import selectors
from contexts.logistics.gateways import carriers
from contexts.logistics.models import Carrier, Collection, Dispatch, Shipment
from contexts.logistics.rest import serializers as s
from contexts.logistics.services import collections, dispatches, rates, shipments
from crm.rest.errors import InvalidInput, NotFound
from crm.rest.schema import results_of

logger = logging.getLogger(__name__)


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Shipments: one per order and shipping location. A paid web order gets its own by event;
    POST makes one by hand (an order taken by phone)."""

    serializer_class = s.ShipmentOutput
    queryset = Shipment.objects.none()
    filterset_fields = ["status", "order_id", "location_id"]

    def get_queryset(self):
        return selectors.shipments().order_by("-created_at", "id")

    def _out(self, shipment, code=status.HTTP_200_OK):
        return Response(s.ShipmentOutput(selectors.shipments().get(pk=shipment.pk)).data, status=code)

    @extend_schema(request=s.ShipmentInput, responses={201: s.ShipmentOutput(many=True)})
    def create(self, request):
        d = _valid(s.ShipmentInput, request.data)
        made = shipments.create_for_order(order_id=d["order_id"], client_id=d["client_id"], lines=d["lines"])
        return Response(s.ShipmentOutput(selectors.shipments().filter(pk__in=[m.pk for m in made]), many=True).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ShipmentOutput})
    @action(detail=True, methods=["post"])
    def pick(self, request, pk=None):
        return self._out(shipments.pick(shipment_id=self.get_object().pk))

    @extend_schema(request=s.PackInput, responses={200: s.ShipmentOutput})
    @action(detail=True, methods=["post"])
    def pack(self, request, pk=None):
        shipment = self.get_object()
        d = _valid(s.PackInput, request.data)
        return self._out(shipments.pack(shipment_id=shipment.pk, parcels=[dict(p) for p in d["parcels"]]))

    @extend_schema(request=s.ShipInput, responses={202: s.ShipmentOutput},
                   description="Asks the carrier for the label: answered at once (202), the carrier is called by a "
                               "task; the shipment becomes shipped when the label is back.")
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        shipment = self.get_object()
        d = _valid(s.ShipInput, request.data)
        return self._out(shipments.ship(shipment_id=shipment.pk, carrier_code=d["carrier"], service=d["service"]),
                         status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.CancelInput, responses={200: s.ShipmentOutput})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        shipment = self.get_object()
        d = _valid(s.CancelInput, request.data)
        return self._out(shipments.cancel(shipment_id=shipment.pk, note=d["note"]))

    @extend_schema(responses={200: s.TrackingOutput})
    @action(detail=True, methods=["get"])
    def tracking(self, request, pk=None):
        shipment = self.get_object()
        return Response(s.TrackingOutput({"status": shipment.status, "tracking_number": shipment.tracking_number,
                                          "history": shipment.history.all(), "events": shipment.tracking.all()}).data)


class QuoteView(APIView):
    """Shipping prices from the rate tables: every active carrier service that takes this weight
    to this country (zone France, EU or world), cheapest first."""

    queryset = Shipment.objects.none()

    @extend_schema(parameters=[OpenApiParameter("country", OpenApiTypes.STR, required=True, description="ISO code, e.g. FR"),
                               OpenApiParameter("weight_grams", OpenApiTypes.INT, required=True)],
                   responses={200: results_of("ShippingQuotes", s.QuoteOutput)})
    def get(self, request):
        d = _valid(s.QuoteInput, request.query_params)
        quotes = rates.quotes(country=d["country"], weight_grams=d["weight_grams"])
        return Response({"results": s.QuoteOutput([{"carrier": c, "service": sv, "price": p} for c, sv, p in quotes],
                                                  many=True).data})


class PackingSlipView(APIView):
    """The packing slip of a shipment (PDF): what goes in the parcel, for whom."""

    queryset = Shipment.objects.none()

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF")})
    def get(self, request, pk):
        from weasyprint import HTML

        shipment = selectors.shipments().filter(pk=pk).first()
        if shipment is None:
            raise NotFound(_("No such shipment."), field="shipment_id")
        html = render_to_string("logistics/packing_slip.html", {"shipment": shipment})
        return HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")


class PickListView(APIView):
    """The pick list of the shipments to pick (or of `shipment` ids), grouped by location and
    shelf, as a PDF: the same number of queries for 1 or 500 orders."""

    queryset = Shipment.objects.none()

    @extend_schema(parameters=[OpenApiParameter("shipment", OpenApiTypes.UUID, many=True, required=False,
                                                description="shipments to include (default: every shipment to pick)")],
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF")})
    def get(self, request):
        import uuid

        from weasyprint import HTML

        raw = request.query_params.getlist("shipment")
        try:
            ids = [uuid.UUID(v) for v in raw if v] or None
        except ValueError:
            raise InvalidInput(_("A shipment id is a UUID."), field="shipment")
        rows = selectors.pick_list(shipment_ids=ids)
        html = render_to_string("logistics/pick_list.html", {"rows": rows})
        return HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")


class DispatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Documents posted as letters: simple, registered, registered with acknowledgement of receipt."""

    serializer_class = s.DispatchOutput
    queryset = Dispatch.objects.none()
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return Dispatch.objects.order_by("-created_at", "id")

    @extend_schema(request=s.DispatchInput, responses={201: s.DispatchOutput})
    def create(self, request):
        d = _valid(s.DispatchInput, request.data)
        try:
            pdf = base64.b64decode(d["document"], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(_("The document is base64-encoded."), field="document")
        dispatch = dispatches.post_letter(kind=d["kind"], address_lines=d["address_lines"], postal_code=d["postal_code"],
                                     city=d["city"], country=d["country"], pdf=pdf)
        return Response(s.DispatchOutput(dispatch).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="proof of delivery (PDF)")})
    @action(detail=True, methods=["get"])
    def proof(self, request, pk=None):
        dispatch = self.get_object()
        if not dispatch.proof:
            raise NotFound(_("No proof of delivery yet: it comes when the letter is delivered."), field="proof")
        with dispatch.proof.open("rb") as f:
            return HttpResponse(f.read(), content_type="application/pdf")


class CollectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Click and collect. The shop's lists: `?location_id=...&status=reserved` (to prepare) and
    `status=ready`."""

    serializer_class = s.CollectionOutput
    queryset = Collection.objects.none()
    filterset_fields = ["status", "location_id"]

    def get_queryset(self):
        return selectors.collections()

    @extend_schema(request=s.CollectionInput, responses={201: s.CollectionOutput})
    def create(self, request):
        d = _valid(s.CollectionInput, request.data)
        c = collections.create(order_id=d["order_id"], client_id=d["client_id"], location_id=d["location_id"],
                               lines=[dict(l) for l in d["lines"]])
        return Response(s.CollectionOutput(c).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.CollectionOutput})
    @action(detail=True, methods=["post"])
    def ready(self, request, pk=None):
        return Response(s.CollectionOutput(collections.ready(collection_id=self.get_object().pk)).data)

    @extend_schema(request=s.CollectInput, responses={200: s.CollectionOutput})
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        collection = self.get_object()
        d = _valid(s.CollectInput, request.data)
        return Response(s.CollectionOutput(collections.collect(collection_id=collection.pk, code=d["code"])).data)

    @extend_schema(request=None, responses={200: s.CollectionOutput})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(s.CollectionOutput(collections.cancel(collection_id=self.get_object().pk)).data)


def _error(code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status_code)


@csrf_exempt
@require_POST
def carrier_webhook(request, code: str):
    """Tracking pushed by the carrier, on the tenant's host: the body is signed (hex HMAC-SHA256
    with the carrier's webhook secret, header Sendcloud-Signature); each update is applied once
    (a replayed delivery changes nothing)."""
    carrier = Carrier.objects.filter(code=code, is_active=True).first()
    body = request.body
    if carrier is None or not carriers.verify_signature(body=body, signature=request.headers.get("Sendcloud-Signature", ""),
                                                         secret=carrier.webhook_secret):
        return _error("invalid_signature", "The signature does not match the body.", 400)
    try:
        data = json.loads(body)
    except ValueError:
        return _error("parse_error", "The body is not JSON.", 400)
    parcel = data.get("parcel") if isinstance(data, dict) else None
    if not isinstance(parcel, dict) or not isinstance(parcel.get("tracking_number"), str):
        return _error("validation_error", "An update names its parcel's tracking_number.", 400)
    update = carriers.parse_update({"timestamp": data.get("timestamp"), **(parcel.get("status") or {})}
                                   if isinstance(parcel.get("status"), dict) else {})
    if update is None:
        return _error("validation_error", "An update has a timestamp and a status.", 400)
    shipment = shipments.shipment_for_tracking(carrier_code=carrier.code, tracking_number=parcel["tracking_number"][:60])
    if shipment is None:
        logger.info("carrier %s: tracking %s matches no shipment", carrier.code, parcel["tracking_number"][:60])
        return JsonResponse({"status": "ignored"})
    applied = shipments.apply_tracking(shipment_id=shipment.pk, updates=[update])
    return JsonResponse({"status": "applied" if applied else "duplicate"})
