"""The sales API (the seed's Sales service) on the tenant's /api/v1/sales/.

Roles: a cashier sells and returns with a ticket; a manager (manager, admin, owner) approves
discounts above the threshold, returns without a ticket and voids, by being the caller or by a
manager's PIN in the request; a viewer reads. Model permissions first (pos.add_ticket to sell,
pos.view_ticket to read), the manager rule in the services."""
from __future__ import annotations

import importlib
import json
import uuid

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, status
from rest_framework.exceptions import NotAcceptable
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.core import api as core_api
from contexts.pos import selectors
from contexts.pos.models import CashierSession, Closing, JournalEntry, Register, Ticket
from contexts.pos.rest import serializers as s
from contexts.pos.services import closings, integrity, managers, registers, sessions, tickets
from contexts.pos.services._common import ApprovalRequired, InvalidInput
from django.utils.translation import gettext as _

IDEMPOTENCY = OpenApiParameter("Idempotency-Key", OpenApiTypes.UUID, OpenApiParameter.HEADER, required=False,
                               description="the ticket's UUID when the body has none")


def _ticket_uuid(request, data) -> uuid.UUID:
    if data.get("uuid"):
        return data["uuid"]
    key = request.headers.get("Idempotency-Key", "")
    try:
        return uuid.UUID(key)
    except ValueError:
        raise InvalidInput(_("Give the ticket's uuid (in the body or as the Idempotency-Key header)."), field="uuid")


def _approver(request, pin: str | None) -> int | None:
    """The manager approving: a PIN typed at the till, else the caller when a manager."""
    if pin:
        user_id = managers.check_manager_pin(pin=pin)
        if user_id is None:
            raise ApprovalRequired(_("Wrong manager PIN."), field="manager_pin")
        return user_id
    me = core_api.staff_by_ids(ids=[request.user.pk]).get(request.user.pk) if isinstance(request.user.pk, int) else None
    return me.id if me and me.is_manager else None


def _staff_id(request) -> int | None:
    """The calling staff user's id; None for an API key (an external till: the session's cashier)."""
    return request.user.pk if isinstance(request.user.pk, int) else None


def _ticket_response(ticket: Ticket) -> Response:
    replayed = getattr(ticket, "replayed", False)
    ticket = Ticket.objects.select_related("register").prefetch_related("lines", "tenders").get(pk=ticket.pk)
    response = Response(s.SaleTicketOutput(ticket).data, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


class TransactionView(APIView):
    queryset = Ticket.objects.none()

    @extend_schema(request=s.SaleTransactionInput, responses={201: s.SaleTicketOutput, 200: s.SaleTicketOutput}, parameters=[IDEMPOTENCY],
                   summary="A complete ticket from a till (idempotent by its UUID)")
    def post(self, request):
        data = s.SaleTransactionInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        ticket = tickets.complete_ticket(
            session_id=d["session_id"], uuid=_ticket_uuid(request, d), cashier_id=_staff_id(request),
            lines=[{"variant_id": ln["variant_id"], "quantity": ln["quantity"], "discount": ln.get("discount")} for ln in d["lines"]],
            tenders=[dict(t) for t in d["tenders"]], customer_id=d.get("customer_id"),
            ticket_discount=d.get("ticket_discount"), approved_by_id=_approver(request, d.get("manager_pin")),
            loyalty_points=d.get("loyalty_points", 0))
        return _ticket_response(ticket)


class ReturnView(APIView):
    queryset = Ticket.objects.none()

    @extend_schema(request=s.SaleReturnInput, responses={201: s.SaleTicketOutput, 200: s.SaleTicketOutput}, parameters=[IDEMPOTENCY],
                   summary="A return (a new ticket with negative lines)")
    def post(self, request):
        data = s.SaleReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        ticket = tickets.return_items(
            session_id=d["session_id"], uuid=_ticket_uuid(request, d), cashier_id=_staff_id(request),
            original_ticket_id=d.get("original_ticket_id"), lines=[dict(ln) for ln in d["lines"]],
            refund_method=d["refund_method"], approved_by_id=_approver(request, d.get("manager_pin")))
        return _ticket_response(ticket)


class VoidView(APIView):
    queryset = Ticket.objects.none()

    @extend_schema(request=s.SaleVoidInput, responses={201: s.SaleTicketOutput, 200: s.SaleTicketOutput}, parameters=[IDEMPOTENCY],
                   summary="Void a sale (a manager's act): a void ticket reversing what is left of it")
    def post(self, request, ticket_id):
        data = s.SaleVoidInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        ticket = tickets.void_ticket(session_id=d["session_id"], uuid=_ticket_uuid(request, d), cashier_id=_staff_id(request),
                                     ticket_id=ticket_id, approved_by_id=_approver(request, d.get("manager_pin")))
        return _ticket_response(ticket)


class HistoryView(ListAPIView):
    serializer_class = s.SaleTicketListOutput
    queryset = Ticket.objects.none()

    @extend_schema(parameters=[s.SaleHistoryFilter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        f = s.SaleHistoryFilter(data=self.request.query_params)
        f.is_valid(raise_exception=True)
        d = f.validated_data
        return selectors.history(register=d.get("register"), cashier_id=d.get("cashier"), date_from=d.get("date_from"),
                                 date_to=d.get("date_to"), customer_id=d.get("customer"), kind=d.get("kind"))


class TicketView(APIView):
    queryset = Ticket.objects.none()

    @extend_schema(responses={200: s.SaleTicketOutput})
    def get(self, request, ticket_id):
        ticket = Ticket.objects.select_related("register").prefetch_related("lines", "tenders").filter(pk=ticket_id).first()
        if ticket is None:
            return Response({"error": {"code": "not_found", "message": "No such ticket."}}, status=404)
        return Response(s.SaleTicketOutput(ticket).data)


def _receipt_json(data) -> dict:
    import dataclasses

    def conv(v):
        if dataclasses.is_dataclass(v):
            return {k: conv(x) for k, x in dataclasses.asdict(v).items()}
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [conv(x) for x in v]
        if v is None or isinstance(v, (bool, int, str)):
            return v
        return str(v) if not hasattr(v, "isoformat") else v.isoformat()

    out = conv(data)
    out["is_duplicate"] = data.is_duplicate
    return out


class _DocumentRenderer(renderers.BaseRenderer):
    """Lets content negotiation accept a document type; the view answers the document itself
    (an error body is JSON text)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, str)):
            return data
        return json.dumps(data, default=str).encode()


class _HTMLRenderer(_DocumentRenderer):
    media_type, format, charset = "text/html", "html", "utf-8"


class _PDFRenderer(_DocumentRenderer):
    media_type, format, charset, render_style = "application/pdf", "pdf", None, "binary"


class ReceiptView(APIView):
    """A receipt as JSON, HTML (80 mm) or PDF, chosen by the Accept header (or ?format=). A
    receipt already printed once reads DUPLICATA (record the print with the duplicate action)."""

    queryset = Ticket.objects.none()
    renderer_classes = [renderers.JSONRenderer, _HTMLRenderer, _PDFRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:  # an error is JSON, whatever was asked
            response.accepted_renderer, response.accepted_media_type = renderers.JSONRenderer(), "application/json"
        return response

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/html"): OpenApiTypes.STR,
                              (200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, ticket_id):
        data = selectors.receipt(ticket_id=ticket_id)
        wanted = request.accepted_renderer.media_type
        if "pdf" in wanted or "html" in wanted:
            try:
                rendering = importlib.import_module("contexts.pos.receipts")
            except ImportError:
                raise NotAcceptable(_("Receipts are served as JSON here."))
            if "pdf" in wanted:
                return HttpResponse(rendering.render_pdf(data, original=not data.is_duplicate), content_type="application/pdf")
            return HttpResponse(rendering.render_html(data, original=not data.is_duplicate),
                                content_type="text/html; charset=utf-8")
        if "json" not in wanted and "*/*" not in wanted:
            raise NotAcceptable(_("Ask for application/json, text/html or application/pdf."))
        return Response(_receipt_json(data))


class DuplicateView(APIView):
    queryset = Ticket.objects.none()

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT}, summary="Record a duplicate print (journaled)")
    def post(self, request, ticket_id):
        count = tickets.record_duplicate_print(ticket_id=ticket_id, by_id=_staff_id(request))
        return Response({"ticket_id": str(ticket_id), "duplicate_count": count}, status=status.HTTP_201_CREATED)


class LookupView(APIView):
    queryset = Register.objects.none()

    @extend_schema(parameters=[OpenApiParameter("code", OpenApiTypes.STR, required=True)], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        found = selectors.lookup_code(code=request.query_params.get("code", ""))
        import dataclasses

        if isinstance(found, list):
            return Response({"match": "search", "results": [_receipt_json_line(dataclasses.asdict(x)) for x in found]})
        return Response({"match": "exact", "results": [_receipt_json_line(dataclasses.asdict(found))]})


def _receipt_json_line(d: dict) -> dict:
    return {k: (str(v) if not isinstance(v, (bool, int, str, list, tuple, type(None))) else v) for k, v in d.items()}


class RegisterListView(ListAPIView):
    serializer_class = s.RegisterSerializer
    queryset = Register.objects.order_by("code")

    @extend_schema(request=s.RegisterSerializer, responses={201: s.RegisterSerializer})
    def post(self, request):
        if not _is_manager(request):
            raise ApprovalRequired(_("Only a manager creates registers."), field="code")
        data = s.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        reg = registers.create_register(name=d["name"], code=d["code"], location_id=d["location_id"])
        return Response(s.RegisterSerializer(reg).data, status=status.HTTP_201_CREATED)


class SessionOpenView(APIView):
    queryset = CashierSession.objects.none()

    @extend_schema(request=s.SaleSessionOpenInput, responses={201: s.SaleSessionOutput})
    def post(self, request):
        data = s.SaleSessionOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if _staff_id(request) is None:
            raise ApprovalRequired(_("A session is opened by a cashier (a staff user), not an API key."), field="register_id")
        sess = sessions.open_session(register_id=d["register_id"], cashier_id=_staff_id(request), opening_float=d["opening_float"])
        return Response(s.SaleSessionOutput(sess).data, status=status.HTTP_201_CREATED)


class SessionCloseView(APIView):
    queryset = CashierSession.objects.none()

    @extend_schema(request=s.SaleSessionCloseInput, responses={201: s.SaleClosingOutput}, summary="Close a session: the Z")
    def post(self, request, session_id):
        data = s.SaleSessionCloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        closing = sessions.close_session(session_id=session_id, counted=d["counted"], denominations=d["denominations"],
                                         closed_by_id=_staff_id(request))
        return Response(s.SaleClosingOutput(closing).data, status=status.HTTP_201_CREATED)


class SessionSummaryView(APIView):
    queryset = CashierSession.objects.none()

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, session_id):
        return Response(_summary_json(selectors.session_summary(session_id=session_id)))


def _summary_json(summary) -> dict:
    import dataclasses

    d = dataclasses.asdict(summary)
    return {k: (v if isinstance(v, (bool, int, str, dict, list, type(None))) else
                [{"method": x["method"], "amount": str(x["amount"])} for x in v] if k == "expected" else
                (v.isoformat() if hasattr(v, "isoformat") else str(v))) for k, v in d.items()} | {
        "counted": {k: str(v) for k, v in summary.counted.items()},
        "difference": {k: str(v) for k, v in summary.difference.items()}}


class ClosingListView(ListAPIView):
    serializer_class = s.SaleClosingOutput
    queryset = Closing.objects.order_by("-created_at")

    @extend_schema(request=s.SaleClosePeriodInput, responses={201: s.SaleClosingOutput}, summary="Close a shop's day, month or year")
    def post(self, request):
        if not _is_manager(request):
            raise ApprovalRequired(_("Only a manager closes a shop's period."), field="kind")
        data = s.SaleClosePeriodInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        closing = closings.close_period(location_id=d["location_id"], kind=d["kind"], day=d["day"], closed_by_id=_staff_id(request))
        return Response(s.SaleClosingOutput(closing).data, status=status.HTTP_201_CREATED)


def _is_manager(request) -> bool:
    me = core_api.staff_by_ids(ids=[request.user.pk]).get(request.user.pk) if isinstance(request.user.pk, int) else None
    return bool(me and me.is_manager) or getattr(request.user, "is_superuser", False)


class JournalCheckView(APIView):
    """The integrity check: walks the chain and the closings, names the first bad entry."""

    queryset = JournalEntry.objects.none()

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    def get(self, request):
        report = integrity.verify_journal()
        body = {"ok": report.ok, "message": report.message, "entries": report.entries, "tickets": report.tickets,
                "closings": report.closings, "last_seq": report.last_seq, "last_hash": report.last_hash,
                "first_bad_seq": report.first_bad_seq,
                "problems": [{"seq": p.seq, "reason": p.reason} for p in report.problems]}
        return Response(body, status=200 if report.ok else 409)
