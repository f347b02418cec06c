from django.contrib import admin, messages

from contexts.finance.models import (
    Allocation, DunningState, Installment, Invoice, InvoiceDocument, InvoiceLine, InvoiceSequence, InvoiceVatLine, Payment,
    PaymentSchedule, Refund, Reminder,
)
from contexts.finance.services import invoicing
from contexts.finance.selectors import INVOICE_EXPORT_FIELDS, PAYMENT_EXPORT_FIELDS
from crm.exports import csv_admin_action
from crm.adminkit import DraftLinesInline, ModelAdmin, ReadOnlyAdmin, ReadOnlyInline, StackedInline, cross_context_link
from crm.rest.errors import DomainError



class InvoiceLineInline(DraftLinesInline):
    model = InvoiceLine
    fields = ("position", "label", "quantity", "unit_price_net", "vat_rate", "line_net")
    readonly_fields = ("line_net",)

    def editable(self, invoice):
        return not invoice.is_issued


class InvoiceVatLineInline(ReadOnlyInline):
    model = InvoiceVatLine
    fields = readonly_fields = ("rate", "base", "amount")


class InvoiceDocumentInline(ReadOnlyInline):
    model = InvoiceDocument
    fields = readonly_fields = ("file", "sha256", "created_at")


class ReminderInline(ReadOnlyInline):
    model = Reminder
    fields = readonly_fields = ("level", "kind", "sent_to", "subject", "amount_due", "sent_at")
    verbose_name_plural = "dunning history"


class DunningStateInline(StackedInline):
    model = DunningState
    extra = 0
    can_delete = False
    fields = ("level", "hold", "hold_until", "hold_note")
    readonly_fields = ("level",)


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fields = readonly_fields = ("payment", "invoice", "amount", "created_at")


@admin.register(Invoice)
class InvoiceAdmin(ModelAdmin):
    list_display = ("__str__", "kind", "status", "client", "issue_date", "due_date", "total_gross")
    cross_context_links = {"client_id": "client"}
    client = cross_context_link("client_id", "client")
    list_filter = ("kind", "status", "issue_date")
    search_fields = ("number", "buyer_name", "client_id")
    date_hierarchy = "issue_date"
    list_select_related = ("original",)
    inlines = [InvoiceLineInline, InvoiceVatLineInline, InvoiceDocumentInline, AllocationInline, ReminderInline, DunningStateInline]
    actions = ["issue_selected", "credit_selected", csv_admin_action(INVOICE_EXPORT_FIELDS, "invoices.csv")]
    readonly_fields = ("client", "number", "status", "kind", "original", "issue_date", "due_date", "issued_at",
                       "total_net", "total_vat", "total_gross", "sequence_year", "sequence_number")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return ["client"] + [f.name for f in Invoice._meta.fields]
        return self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        """Tabs (unfold): the document, its amounts, then the parties as printed once issued."""
        document = ["number", "kind", "status", "client", "original", "issue_date", "delivery_date", "due_date",
                    "payment_terms_days", "notes", "issued_at"]
        if obj is None:  # a draft is made from a client (through the API or here)
            document = ["client_id", "payment_terms_days", "delivery_date", "notes"]
        sets = [
            ("Facture", {"fields": document, "classes": ["tab"]}),
            ("Montants", {"fields": ["currency", "total_net", "total_vat", "total_gross"], "classes": ["tab"]}),
        ]
        if obj is not None and obj.is_issued:
            sets += [
                ("Vendeur", {"fields": ["seller_name", "seller_siren", "seller_vat_number", "seller_address",
                                        "seller_postal_code", "seller_city", "seller_iban"], "classes": ["tab"]}),
                ("Acheteur", {"fields": ["buyer_name", "buyer_is_business", "buyer_siren", "buyer_vat_number", "buyer_address",
                                         "buyer_postal_code", "buyer_city", "buyer_country", "buyer_email"], "classes": ["tab"]}),
                ("Numérotation", {"fields": ["sequence_year", "sequence_number", "order_id", "contract_id"], "classes": ["tab"]}),
            ]
        return sets

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_issued

    def save_model(self, request, obj, form, change):
        if change and obj.is_issued:
            return  # an issued invoice never changes (its dunning state, an inline, may)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is InvoiceLine and form.instance.is_issued:
            formset.save(commit=False)  # nothing is written: the admin's change message still reads it
            return
        if formset.model is InvoiceLine:
            for line in formset.save(commit=False):
                line.line_net = line.line_net if line.line_net is not None else 0
                line.save()
            for obj in formset.deleted_objects:
                obj.delete()
            invoicing.draft_refresh_totals(invoice_id=form.instance.pk)
        else:
            formset.save()

    @admin.action(description="Issue the selected drafts (numbers them and freezes them)")
    def issue_selected(self, request, queryset):
        for invoice in queryset.filter(status="draft").order_by("created_at"):
            try:
                issued = invoicing.invoice_issue(invoice_id=invoice.pk)
                self.message_user(request, f"Facture {issued.number} émise.")
            except DomainError as exc:
                self.message_user(request, f"{invoice}: {exc.message}", level=messages.ERROR)

    @admin.action(description="Create a full credit note (draft) for the selected issued invoices")
    def credit_selected(self, request, queryset):
        for invoice in queryset.filter(status="issued", kind="invoice"):
            credit = invoicing.credit_note_create(invoice_id=invoice.pk)
            self.message_user(request, f"Avoir brouillon créé pour la facture {invoice.number} ({credit.pk}).")


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "year", "last_number")


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = readonly_fields = ("amount", "reason", "stripe_refund_id", "created_at")


@admin.register(Payment)
class PaymentAdmin(ModelAdmin):
    actions = [csv_admin_action(PAYMENT_EXPORT_FIELDS, "payments.csv")]
    list_display = ("created_at", "method", "status", "amount", "refunded_amount", "reference", "client")
    cross_context_links = {"client_id": "client"}
    client = cross_context_link("client_id", "client")
    list_filter = ("method", "status")
    search_fields = ("reference", "stripe_payment_intent", "=client_id")
    readonly_fields = ["client"] + [f.name for f in Payment._meta.fields]
    inlines = [AllocationInline, RefundInline]
    addable = deletable = False  # payments are recorded through the API or Stripe


class InstallmentInline(ReadOnlyInline):
    model = Installment
    fields = readonly_fields = ("position", "due_date", "amount")


@admin.register(PaymentSchedule)
class PaymentScheduleAdmin(ModelAdmin):
    list_display = ("invoice", "created_at")
    list_select_related = ("invoice",)
    readonly_fields = ("invoice",)
    inlines = [InstallmentInline]
    addable = False


@admin.register(Reminder)
class ReminderAdmin(ModelAdmin):
    list_display = ("sent_at", "invoice", "level", "kind", "sent_to", "amount_due")
    list_filter = ("level", "kind")
    list_select_related = ("invoice",)
    readonly_fields = [f.name for f in Reminder._meta.fields]
    addable = deletable = False
