"""Finance API: invoices and credit notes."""
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contexts.finance import documents, selectors
from contexts.finance.models import Invoice, InvoiceLine, InvoiceVatLine
from contexts.finance.services import invoicing
from django.utils.translation import gettext as _
from crm.rest.parsers import validated


class LineOutput(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["position", "label", "description", "variant_id", "quantity", "unit", "unit_price_net", "vat_rate", "line_net"]


class VatLineOutput(serializers.ModelSerializer):
    class Meta:
        model = InvoiceVatLine
        fields = ["rate", "base", "amount"]


class InvoiceOutput(serializers.ModelSerializer):
    lines = LineOutput(many=True, read_only=True)
    vat_lines = VatLineOutput(many=True, read_only=True)
    original_number = serializers.CharField(source="original.number", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Invoice
        fields = ["id", "kind", "status", "number", "original_id", "original_number", "client_id", "order_id",
                  "contract_id", "buyer_name", "issue_date", "due_date", "payment_terms_days", "currency",
                  "total_net", "total_vat", "total_gross", "lines", "vat_lines", "created_at", "issued_at"]


class LineInput(serializers.Serializer):
    label = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    unit_price_net = serializers.DecimalField(max_digits=14, decimal_places=4)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    variant_id = serializers.UUIDField(required=False, allow_null=True)


class DraftInput(serializers.Serializer):
    client_id = serializers.UUIDField()
    order_id = serializers.UUIDField(required=False, allow_null=True)
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=60, default=30)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = LineInput(many=True)


class CreditInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    lines = LineInput(many=True, required=False)


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InvoiceOutput
    queryset = selectors.invoice_list()
    filterset_fields = {"status": ["exact"], "kind": ["exact"], "client_id": ["exact"], "order_id": ["exact"],
                        "issue_date": ["gte", "lte"]}
    ordering_fields = ["created_at", "issue_date", "number", "total_gross"]

    @extend_schema(request=DraftInput, responses={201: InvoiceOutput})
    def create(self, request):
        invoice = invoicing.draft_create(**validated(DraftInput, request.data))
        return Response(InvoiceOutput(self.get_queryset().get(pk=invoice.pk)).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        invoicing.draft_delete(invoice_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: InvoiceOutput})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        invoice = invoicing.invoice_issue(invoice_id=pk)
        return Response(InvoiceOutput(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(request=CreditInput, responses={201: InvoiceOutput})
    @action(detail=True, methods=["post"], url_path="credit-notes")
    def credit_notes(self, request, pk=None):
        data = validated(CreditInput, request.data)
        credit = invoicing.credit_note_create(invoice_id=pk, lines=data.get("lines"), reason=data["reason"])
        return Response(InvoiceOutput(self.get_queryset().get(pk=credit.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="PDF/A-3 with Factur-X XML")})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        if not invoice.is_issued:
            raise invoicing.InvalidInput(_("A draft has no legal document yet."), field="status")
        doc = documents.render_document(invoice_id=invoice.pk)
        return FileResponse(doc.file.open("rb"), content_type="application/pdf", filename=f"{invoice.number}.pdf")
