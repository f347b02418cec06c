"""Finance reads, for the views and the api."""
from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from contexts.finance.models import Allocation, Installment, Invoice, InvoiceLine, Payment, Reminder
from contexts.finance.data import CardPayment, InvoicePdf, InvoiceShare, ReportInvoice, ReportLine, ReportPayment
from crm.exports import created_between


def invoice_list() -> QuerySet[Invoice]:
    """Invoices with their original, lines and VAT lines: three queries whatever the page size."""
    return Invoice.objects.select_related("original").prefetch_related("lines", "vat_lines")


def payment_list() -> QuerySet[Payment]:
    return Payment.objects.prefetch_related("allocations")


def installments_of(*, invoice_id: uuid.UUID) -> QuerySet[Installment]:
    return Installment.objects.filter(schedule__invoice_id=invoice_id)


def reminders_of(*, invoice_id: uuid.UUID) -> QuerySet[Reminder]:
    return Reminder.objects.filter(invoice_id=invoice_id)


def card_payment(outcome_or_payment) -> CardPayment:
    """A payment (or a payments.CardOutcome) as the api returns it."""
    p = getattr(outcome_or_payment, "payment", outcome_or_payment)
    return CardPayment(id=p.id, status=p.status, amount=p.amount,
                       intent_status=getattr(outcome_or_payment, "intent_status", ""),
                       client_secret=getattr(outcome_or_payment, "client_secret", ""),
                       next_action=getattr(outcome_or_payment, "next_action", None))


def latest_order_payment(*, order_id: uuid.UUID) -> Payment | None:
    return Payment.objects.filter(order_id=order_id).order_by("-created_at").first()


def order_invoice(*, order_id: uuid.UUID) -> Invoice | None:
    return Invoice.objects.filter(order_id=order_id, kind="invoice", status="issued").first()


def order_invoice_pdf(*, order_id: uuid.UUID) -> InvoicePdf | None:
    invoice = order_invoice(order_id=order_id)
    if invoice is None:
        return None
    doc = invoice.documents.first()
    if doc is None:
        return InvoicePdf(number=invoice.number, content=None)
    with doc.file.open("rb") as fh:
        return InvoicePdf(number=invoice.number, content=fh.read())


def payment_shares(*, payment_id: uuid.UUID) -> list[InvoiceShare]:
    """What a payment settled, invoice by invoice, excl. VAT (two queries)."""
    allocations = list(Allocation.objects.filter(payment_id=payment_id).select_related("invoice"))
    lines: dict = {}
    for invoice_id, variant_id, net in InvoiceLine.objects.filter(invoice_id__in=[a.invoice_id for a in allocations]).values_list(
            "invoice_id", "variant_id", "line_net"):
        lines.setdefault(invoice_id, []).append((variant_id, net))
    out = []
    for a in allocations:
        inv = a.invoice
        ratio = a.amount / inv.total_gross if inv.total_gross else Decimal("0")
        out.append(InvoiceShare(invoice_id=inv.id, client_id=inv.client_id, net=(inv.total_net * ratio).quantize(Decimal("0.01")),
                                gross=a.amount, line_nets=tuple(lines.get(inv.id, ()))))
    return out


def _report_invoices(qs) -> list[ReportInvoice]:
    invoices = list(qs)
    lines: dict = {}
    for line in InvoiceLine.objects.filter(invoice_id__in=[i.id for i in invoices]).order_by("invoice_id", "position"):
        vat = (line.line_net * line.vat_rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        lines.setdefault(line.invoice_id, []).append(ReportLine(variant_id=line.variant_id, quantity=line.quantity,
                                                                net=line.line_net, vat=vat))
    return [ReportInvoice(id=i.id, kind=i.kind, client_id=i.client_id, order_id=i.order_id, contract_id=i.contract_id,
                          issued_at=i.issued_at, due_date=i.due_date, total_net=i.total_net, total_vat=i.total_vat,
                          total_gross=i.total_gross, lines=tuple(lines.get(i.id, ()))) for i in invoices]


def _page(qs, after_id, limit: int):
    """Rows by id, `limit` of them after `after_id` (the read model's rebuild pages)."""
    return (qs if after_id is None else qs.filter(id__gt=after_id)).order_by("id")[:limit]


def report_invoice(*, invoice_id: uuid.UUID) -> ReportInvoice | None:
    """One issued invoice with its lines (two queries); None for a draft or an unknown id."""
    found = _report_invoices(Invoice.objects.filter(id=invoice_id, status="issued"))
    return found[0] if found else None


def report_invoices(*, after_id: uuid.UUID | None = None, limit: int = 500) -> list[ReportInvoice]:
    """Issued invoices and credit notes by id, a page at a time (the read model's rebuild)."""
    return _report_invoices(_page(Invoice.objects.filter(status="issued"), after_id, limit))


def report_payments(*, after_id: uuid.UUID | None = None, limit: int = 500) -> list[ReportPayment]:
    """Received payments with their allocations, a page at a time (the read model's rebuild)."""
    payments = list(_page(Payment.objects.filter(status="succeeded"), after_id, limit))
    alloc: dict = {}
    for a in Allocation.objects.filter(payment_id__in=[p.id for p in payments]):
        alloc.setdefault(a.payment_id, []).append((a.invoice_id, a.amount))
    return [ReportPayment(id=p.id, client_id=p.client_id, method=p.method, amount=p.amount,
                          received_at=p.received_at or p.created_at, allocations=tuple(alloc.get(p.id, ())))
            for p in payments]


INVOICE_EXPORT_FIELDS = ("id", "number", "kind", "status", "client_id", "order_id", "buyer_name", "issue_date", "due_date",
                         "currency", "total_net", "total_vat", "total_gross", "created_at")


PAYMENT_EXPORT_FIELDS = ("id", "created_at", "received_at", "client_id", "order_id", "method", "status", "amount",
                         "refunded_amount", "currency", "reference")


def invoice_due_dates(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, "datetime.date | None"]:
    """{invoice id: due date} of issued invoices, one query (engagement's overdue view)."""
    return dict(Invoice.objects.filter(pk__in=list(ids)).values_list("id", "due_date"))


def export_invoices(*, created_from=None, created_to=None):
    """(header, rows): invoices and credit notes as CSV rows, streamed (crm.exports)."""
    return created_between(Invoice, INVOICE_EXPORT_FIELDS, created_from, created_to)


def export_payments(*, created_from=None, created_to=None):
    """(header, rows): payments as CSV rows, streamed (crm.exports)."""
    return created_between(Payment, PAYMENT_EXPORT_FIELDS, created_from, created_to)
