"""Reports API: dashboard, consolidated sales, product analytics, custom reports (202 + job)."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.engagement.reporting import reports, selectors
from contexts.engagement.reporting.models import ReportJob, SaleFact
from contexts.engagement.reporting.rendering import CONTENT_TYPES
from crm.rest.errors import DomainError, NotFound

MAX_RANGE_DAYS = 3660


class NotReady(DomainError):
    code = "not_ready"
    status_code = status.HTTP_409_CONFLICT


def plain(value):
    """Decimals as strings (money keeps its cents), dates in ISO, UUIDs as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, uuid.UUID)):
        return str(value) if isinstance(value, uuid.UUID) else value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class DashboardQuery(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="the day the figures end on (default: today)")


class RangeQuery(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()

    def validate(self, attrs):
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": _("The end of the period is before its start.")})
        if (attrs["date_to"] - attrs["date_from"]).days > MAX_RANGE_DAYS:
            raise serializers.ValidationError({"date_to": _("The period is too long (ten years at most).")})
        return attrs


class ConsolidatedQuery(RangeQuery):
    group_by = serializers.ChoiceField(choices=["day", "week", "month"], default="day")
    dimension = serializers.ChoiceField(choices=["channel", "shop", "category"], default="channel")


class AnalyticsQuery(RangeQuery):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)


class _ReportsView(APIView):
    queryset = SaleFact.objects.none()  # permission: engagement.view_salefact (owners, managers, sales)

    def _query(self, serializer_class):
        s = serializer_class(data=self.request.query_params)
        s.is_valid(raise_exception=True)
        return s.validated_data


class DashboardView(_ReportsView):
    @extend_schema(parameters=[DashboardQuery], responses=OpenApiTypes.OBJECT, tags=["reports"],
                   summary="Revenue today, 7 and 30 days by channel with last year, orders, tickets, basket, "
                           "conversion, top products, low stock, receivables, DSO, new clients")
    def get(self, request):
        q = self._query(DashboardQuery)
        return Response(plain(selectors.dashboard(today=q.get("date") or timezone.localdate())))


class ConsolidatedView(_ReportsView):
    @extend_schema(parameters=[ConsolidatedQuery], responses=OpenApiTypes.OBJECT, tags=["reports"],
                   summary="Till, web and contract sales by day, week or month and by shop, channel or category")
    def get(self, request):
        q = self._query(ConsolidatedQuery)
        return Response(plain(selectors.consolidated(date_from=q["date_from"], date_to=q["date_to"],
                                                     period=q["group_by"], by=q["dimension"])))


class ProductAnalyticsView(_ReportsView):
    @extend_schema(parameters=[AnalyticsQuery], responses=OpenApiTypes.OBJECT, tags=["reports"],
                   summary="Sales by category, top and bottom sellers with trend, stock cover, dead stock")
    def get(self, request):
        q = self._query(AnalyticsQuery)
        return Response(plain(selectors.products_analytics(date_from=q["date_from"], date_to=q["date_to"],
                                                           limit=q["limit"])))


class GenerateInput(RangeQuery):
    dimensions = serializers.ListField(child=serializers.ChoiceField(choices=list(selectors.REPORT_DIMENSIONS)),
                                       max_length=6, default=list)
    measures = serializers.ListField(child=serializers.ChoiceField(choices=list(selectors.REPORT_MEASURES)),
                                     min_length=1, max_length=len(selectors.REPORT_MEASURES))
    filters = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    format = serializers.ChoiceField(choices=list(CONTENT_TYPES))

    def validate_filters(self, value):
        for key, v in value.items():
            if key not in selectors.REPORT_FILTERS:
                raise serializers.ValidationError(_("Unknown filter %(name)s.") % {"name": key})
            values = v if isinstance(v, list) else [v]
            if key != "channel":
                try:
                    [uuid.UUID(str(x)) for x in values]
                except ValueError:
                    raise serializers.ValidationError(_("Filter %(name)s takes identifiers.") % {"name": key})
        return value


class JobOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = ["id", "status", "format", "spec", "rows", "error", "created_at", "finished_at", "download_url"]

    def get_download_url(self, job) -> str | None:
        return f"/api/v1/reports/jobs/{job.id}/download" if job.status == ReportJob.Status.DONE else None


class GenerateView(APIView):
    queryset = ReportJob.objects.none()  # permission: engagement.add_reportjob

    @extend_schema(request=GenerateInput, responses={202: JobOutput}, tags=["reports"],
                   summary="A custom report built by the worker: 202 with the job; the requester gets an e-mail")
    def post(self, request):
        s = GenerateInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        job = reports.report_request(spec=d, fmt=d["format"], user_id=getattr(request.user, "pk", None)
                                     if getattr(request.user, "kind", "staff") == "staff" else None,
                                     email=getattr(request.user, "email", "") or "")
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)


def _job(job_id) -> ReportJob:
    job = ReportJob.objects.filter(id=job_id).defer("content").first()
    if job is None:
        raise NotFound(_("No such report."))
    return job


class JobView(APIView):
    queryset = ReportJob.objects.none()

    @extend_schema(responses=JobOutput, tags=["reports"], summary="A custom report's status and download link")
    def get(self, request, job_id):
        return Response(JobOutput(_job(job_id)).data)


class JobDownloadView(APIView):
    queryset = ReportJob.objects.none()

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              409: OpenApiResponse(description="not ready yet")}, tags=["reports"],
                   summary="The report's file (CSV, XLSX or PDF)")
    def get(self, request, job_id):
        job = _job(job_id)
        if job.status != ReportJob.Status.DONE:
            raise NotReady(_("The report is not ready yet."))
        content = ReportJob.objects.values_list("content", flat=True).get(id=job.id)
        response = HttpResponse(bytes(content), content_type=CONTENT_TYPES[job.format])
        response["Content-Disposition"] = f'attachment; filename="rapport-{job.id}.{job.format}"'
        return response
