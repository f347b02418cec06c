"""Outgoing webhooks API (owners and administrators: MANAGED_ONLY_BY in core's roles):
endpoints (CRUD, the secret only in the create response), their deliveries with the log of
attempts, and a manual resend."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from contexts.engagement.webhooks import net, services
from contexts.engagement.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from crm.rest.errors import DomainError, NotFound


class EndpointSerializer(serializers.ModelSerializer):
    url = serializers.URLField(max_length=500, help_text="http(s) URL on a public address.")
    event_types = serializers.ListField(child=serializers.CharField(max_length=80), min_length=1, max_length=200,
                                        help_text='Event names (e.g. "commercial.order.paid.v1"), or "*" for all.')

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "is_active", "consecutive_failures", "disabled_at",
                  "disabled_reason", "created_at"]
        read_only_fields = ["id", "consecutive_failures", "disabled_at", "disabled_reason", "created_at"]

    def validate_url(self, value):
        try:
            net.check_url(value)
        except net.Refused as exc:
            raise serializers.ValidationError(_("This URL may not receive webhooks: %(reason)s.") % {"reason": exc})
        return value

    def validate_event_types(self, value):
        known = services.known_event_types()
        unknown = sorted({name for name in value if name != services.ALL and name not in known})
        if unknown:
            raise serializers.ValidationError(_("Unknown event types: %(names)s.") % {"names": ", ".join(unknown)})
        return value


class CreatedEndpointSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: keep it to verify the signatures.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "attempted_at", "status_code", "duration_ms", "error", "manual"]


class DeliverySerializer(serializers.ModelSerializer):
    log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event_name", "status", "attempts", "last_status_code", "next_attempt_at",
                  "delivered_at", "created_at", "log"]


class EndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = EndpointSerializer
    queryset = WebhookEndpoint.objects.order_by("created_at")

    @extend_schema(request=EndpointSerializer, responses={201: CreatedEndpointSerializer})
    def create(self, request):
        data = EndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)  # the URL is resolved here, before the transaction
        values = data.validated_data
        user_id = request.user.pk if isinstance(request.user.pk, int) else None
        with transaction.atomic(durable=True):
            endpoint = services.create_endpoint(url=values["url"], event_types=values["event_types"],
                                                description=values.get("description", ""), created_by_id=user_id)
        return Response(CreatedEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndpointSerializer, responses={200: EndpointSerializer})
    def update(self, request, pk=None, partial=False):
        endpoint = self.get_object()
        data = EndpointSerializer(endpoint, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            endpoint = services.update_endpoint(endpoint=endpoint, **data.validated_data)
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(request=EndpointSerializer, responses={200: EndpointSerializer})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def perform_destroy(self, instance):
        with transaction.atomic(durable=True):
            services.delete_endpoints(ids=[instance.pk])


class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An endpoint's deliveries, newest first, each with its log of attempts."""

    serializer_class = DeliverySerializer
    queryset = WebhookDelivery.objects.none()

    def get_queryset(self):
        endpoint_id = self.kwargs["endpoint_id"]
        if not WebhookEndpoint.objects.filter(pk=endpoint_id).exists():
            raise NotFound(_("No such webhook endpoint."), field="endpoint_id")
        queryset = WebhookDelivery.objects.filter(endpoint_id=endpoint_id).prefetch_related("log").order_by("-created_at")
        status_filter = self.request.query_params.get("status")
        return queryset.filter(status=status_filter) if status_filter else queryset

    @extend_schema(request=None, responses={202: DeliverySerializer})
    def resend(self, request, endpoint_id=None, pk=None):
        delivery = self.get_object()
        try:
            with transaction.atomic(durable=True):
                delivery = services.resend(delivery=delivery)
        except services.AlreadySending:
            raise DomainError(_("This delivery is being sent; try again in a moment."), code="delivery_in_progress")
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
