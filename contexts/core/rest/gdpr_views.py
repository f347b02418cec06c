"""/api/v1/gdpr/...: a person's data exported (ZIP of JSON + CSV) or erased, by the owner or an
administrator (the permissions on core.GdprRequest: docs/access.md). See docs/gdpr.md."""
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.core import gdpr
from contexts.core.models import GdprRequest, GdprRequestKind
from crm.rest.errors import NotFound


class SubjectInput(serializers.Serializer):
    """The person: exactly one of their client id, shop customer id or e-mail address."""

    client_id = serializers.UUIDField(required=False)
    customer_id = serializers.UUIDField(required=False)
    email = serializers.EmailField(required=False)

    def validate(self, attrs):
        if len([k for k in ("client_id", "customer_id", "email") if attrs.get(k)]) != 1:
            raise serializers.ValidationError({"client_id": _("Give exactly one of client_id, customer_id or email.")})
        return attrs


class ErasureInput(SubjectInput):
    confirm = serializers.BooleanField(help_text="must be true: an erasure cannot be undone")

    def validate_confirm(self, value):
        if value is not True:
            raise serializers.ValidationError(_("An erasure cannot be undone: send confirm=true."))
        return value


class GdprRequestOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    retention = serializers.SerializerMethodField()

    class Meta:
        model = GdprRequest
        fields = ["id", "kind", "status", "client_ids", "customer_ids", "pseudonym", "requested_by", "summary",
                  "created_at", "completed_at", "download_url", "retention"]

    def get_download_url(self, obj) -> str | None:
        if obj.kind != GdprRequestKind.EXPORT:
            return None
        return reverse("gdpr-export-download", kwargs={"request_id": obj.pk})

    def get_retention(self, obj) -> str:
        return str(gdpr.RETENTION_NOTE)


def _requested_by(request) -> str:
    user = request.user
    return getattr(user, "get_username", lambda: getattr(user, "name", ""))() or str(getattr(user, "pk", ""))


def _find(data) -> dict:
    return {k: data.get(k) for k in ("client_id", "customer_id", "email")}


class GdprRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The GDPR requests handled: who, when, what was exported or erased (never the person's name)."""

    serializer_class = GdprRequestOutput
    queryset = GdprRequest.objects.all()
    filterset_fields = ["kind"]


class GdprExportView(APIView):
    queryset = GdprRequest.objects.all()

    @extend_schema(request=SubjectInput, responses={201: GdprRequestOutput},
                   description="Records an export request; the ZIP is built when `download_url` is fetched.")
    def post(self, request):
        data = SubjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            subject = gdpr.find_subject(**_find(data.validated_data))
            record = gdpr.record_export(subject=subject, requested_by=_requested_by(request))
        return Response(GdprRequestOutput(record).data, status=status.HTTP_201_CREATED)


class GdprExportDownloadView(APIView):
    queryset = GdprRequest.objects.all()

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(
        OpenApiTypes.BINARY, description="ZIP: manifest.json, then one JSON and one CSV file per section")})
    def get(self, request, request_id):
        record = GdprRequest.objects.filter(pk=request_id, kind=GdprRequestKind.EXPORT).first()
        if record is None:
            raise NotFound(_("No such export."), field="request_id")
        organisation = getattr(getattr(connection, "tenant", None), "name", "")
        content = gdpr.export_archive(request=record, organisation=organisation)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="rgpd-{record.pk}.zip"'
        return response


class GdprErasureView(APIView):
    queryset = GdprRequest.objects.all()

    @extend_schema(request=ErasureInput, responses={201: GdprRequestOutput},
                   description="Pseudonymises the person everywhere, keeping issued invoices and the till's "
                               "fiscal journal; their shop account is disabled and its tokens refused at once.")
    def post(self, request):
        data = ErasureInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            subject = gdpr.find_subject(**_find(data.validated_data))
        try:
            with transaction.atomic(durable=True):  # the command's one transaction; every context's part joins it
                record = gdpr.erase(subject=subject, requested_by=_requested_by(request))
        except Exception as exc:
            with transaction.atomic(durable=True):
                gdpr.record_failure(subject=subject, kind=GdprRequestKind.ERASURE, requested_by=_requested_by(request),
                                    error=exc)
            raise  # the kernel's handler answers (a 4xx for what it knows)
        return Response(GdprRequestOutput(record).data, status=status.HTTP_201_CREATED)
