"""/api/v1/commercial/woocommerce/...: the connection (the key and secret are write-only: never
answered back) and the sync runs (list, detail, POST to run one now)."""
from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.commercial.channels.woocommerce import sync
from contexts.commercial.channels.woocommerce.models import WooConnection, WooSyncRun
from crm.rest.errors import NotFound
from crm.rest.schema import paginated
from django.utils.translation import gettext as _


class ConnectionInput(serializers.Serializer):
    store_url = serializers.URLField(max_length=300)
    consumer_key = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True,
                                         help_text="ck_...; required the first time, left out to keep the stored one")
    consumer_secret = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True,
                                            help_text="cs_...; required the first time, left out to keep the stored one")
    is_active = serializers.BooleanField(default=True, help_text="synced by beat every 30 minutes")
    push_stock = serializers.BooleanField(default=False)


class ConnectionOutput(serializers.ModelSerializer):
    has_credentials = serializers.SerializerMethodField()

    class Meta:
        model = WooConnection
        fields = ["store_url", "is_active", "push_stock", "location_id", "synced_until", "has_credentials", "updated_at"]

    def get_has_credentials(self, obj) -> bool:
        return bool(obj.consumer_key_encrypted and obj.consumer_secret_encrypted)


class RunInput(serializers.Serializer):
    full = serializers.BooleanField(default=False, help_text="import everything, not only what changed since the last run")


class RunOutput(serializers.ModelSerializer):
    class Meta:
        model = WooSyncRun
        fields = ["id", "trigger", "full", "status", "modified_after", "attempts", "error", "report", "created_at",
                  "started_at", "finished_at"]


class ConnectionView(APIView):
    """The tenant's WooCommerce shop."""

    queryset = WooConnection.objects.none()

    @extend_schema(responses={200: ConnectionOutput})
    def get(self, request):
        conn = sync.connection_get()
        if conn is None:
            raise NotFound(_("No WooCommerce shop is connected."), field="store_url")
        return Response(ConnectionOutput(conn).data)

    @extend_schema(request=ConnectionInput, responses={200: ConnectionOutput})
    def put(self, request):
        data = ConnectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            conn = sync.connection_save(**data.validated_data)
        return Response(ConnectionOutput(conn).data)


class RunsView(APIView):
    """Sync runs, newest first; POST queues one now (409 while one is under way)."""

    queryset = WooSyncRun.objects.none()

    @extend_schema(operation_id="commercial_woocommerce_runs_list", responses={200: paginated("PaginatedWooSyncRunList", RunOutput)})
    def get(self, request):
        from crm.rest.pagination import Pagination

        paginator = Pagination()
        page = paginator.paginate_queryset(WooSyncRun.objects.order_by("-created_at"), request, view=self)
        return paginator.get_paginated_response(RunOutput(page, many=True).data)

    @extend_schema(request=RunInput, responses={202: RunOutput})
    def post(self, request):
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            run = sync.run_request(trigger="api", full=data.validated_data["full"])
        return Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailView(APIView):
    queryset = WooSyncRun.objects.none()

    @extend_schema(responses={200: RunOutput})
    def get(self, request, run_id):
        run = WooSyncRun.objects.filter(pk=run_id).first()
        if run is None:
            raise NotFound(_("No such sync run."), field="run_id")
        return Response(RunOutput(run).data)
