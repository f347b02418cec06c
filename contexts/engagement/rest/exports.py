"""GET /api/v1/exports/{clients,products,orders,invoices,payments}: a streamed CSV of the rows
(optionally created between two dates), read through each context's api.py. The caller needs
the view permission of what it exports."""
from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.views import APIView

from contexts.catalog import api as catalog_api
from contexts.commercial import api as commercial_api
from contexts.core import api as core_api
from contexts.finance import api as finance_api
from crm.exports import csv_response
from crm.rest.errors import InvalidInput, NotFound

EXPORTS = {
    "clients": ("core.view_client", core_api.export_clients),
    "products": ("catalog.view_product", catalog_api.export_products),
    "orders": ("commercial.view_order", commercial_api.export_orders),
    "invoices": ("finance.view_invoice", finance_api.export_invoices),
    "payments": ("finance.view_payment", finance_api.export_payments),
}


class CanExport(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated or getattr(user, "kind", "staff") == "customer":
            return False
        entry = EXPORTS.get(view.kwargs.get("kind"))
        return entry is None or user.has_perm(entry[0])


def _date(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": name}, field=name) from exc


class ExportView(APIView):
    permission_classes = [CanExport]

    @extend_schema(
        parameters=[OpenApiParameter("created_from", OpenApiTypes.DATE), OpenApiParameter("created_to", OpenApiTypes.DATE)],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV, UTF-8 with BOM, streamed")},
    )
    def get(self, request, kind: str):
        if kind not in EXPORTS:
            raise NotFound(_("Unknown export %(kind)s.") % {"kind": kind}, field="kind")
        created_from, created_to = _date(request, "created_from"), _date(request, "created_to")
        header, rows = EXPORTS[kind][1](created_from=created_from, created_to=created_to)
        return csv_response(filename=f"{kind}.csv", header=header, rows=rows)
