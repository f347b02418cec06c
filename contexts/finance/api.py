"""The published interface of finance: the only module other contexts may import (with
events.py). Keyword-only functions returning frozen dataclasses or plain values."""
from __future__ import annotations

import datetime  # noqa: F401  (annotations)
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping

from contexts.finance.services.payments import (  # noqa: F401  (re-exported)
    IdempotencyKeyReused,
    PaymentDeclined,
    PaymentUnavailable,
)
from crm.rest.errors import InvalidInput  # noqa: F401  (raised by these functions)
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class IssuedInvoice:
    id: uuid.UUID
    number: str
    total_gross: Decimal
    balance: Decimal


@dataclass(frozen=True)
class CardPayment:
    id: uuid.UUID
    status: str                 # pending, succeeded, failed
    amount: Decimal
    intent_status: str = ""     # Stripe's: succeeded, requires_action, processing...
    client_secret: str = ""     # for the client to finish 3-D Secure (only while pending)
    next_action: dict | None = field(default=None, compare=False, hash=False)


def _card(outcome_or_payment) -> CardPayment:
    p = getattr(outcome_or_payment, "payment", outcome_or_payment)
    return CardPayment(id=p.id, status=p.status, amount=p.amount,
                       intent_status=getattr(outcome_or_payment, "intent_status", ""),
                       client_secret=getattr(outcome_or_payment, "client_secret", ""),
                       next_action=getattr(outcome_or_payment, "next_action", None))


def _issued(invoice) -> IssuedInvoice:
    from contexts.finance.services import payments

    return IssuedInvoice(id=invoice.id, number=invoice.number, total_gross=invoice.total_gross,
                         balance=payments.invoice_balance(invoice))


def require_seller_identity() -> None:
    """Raises InvalidInput naming the first missing field of the current tenant's legal identity
    (SIREN, VAT number, address, IBAN...): call it before taking money that will be invoiced."""
    from contexts.core import api as core_api
    from contexts.finance.services import invoicing

    invoicing.check_seller_identity(core_api.current_organisation())


def invoice_for_order(*, order_id: uuid.UUID, client_id: uuid.UUID, lines: Iterable[Mapping],
                      payment_terms_days: int = 0) -> IssuedInvoice:
    """Issues the invoice of an order (lines with label, quantity, unit_price_net, vat_rate).
    Idempotent on the order: a second call returns the first invoice. Payments already received
    for the order are allocated to it."""
    from django.db import transaction

    from contexts.finance.models import Invoice, Payment
    from contexts.finance.services import invoicing, payments

    with transaction.atomic():
        existing = Invoice.objects.filter(order_id=order_id, kind="invoice").select_for_update().first()
        if existing is None:
            draft = invoicing.draft_create(client_id=client_id, order_id=order_id, lines=lines,
                                           payment_terms_days=payment_terms_days)
            existing = invoicing.invoice_issue(invoice_id=draft.id)
            for payment in Payment.objects.filter(order_id=order_id, status="succeeded"):
                payments._allocate(payment, [existing.id])
        return _issued(existing)


def invoice_for_contract_period(*, contract_id: uuid.UUID, client_id: uuid.UUID, period: str,
                                lines: Iterable[Mapping], payment_terms_days: int = 30) -> IssuedInvoice:
    """Issues the invoice of one period of a contract's recurring billing (period "2026-11");
    idempotent on (contract, period)."""
    from django.db import transaction

    from contexts.finance.models import Invoice
    from contexts.finance.services import invoicing

    note = f"Contrat {contract_id} — période {period}"
    with transaction.atomic():
        existing = Invoice.objects.filter(contract_id=contract_id, notes=note, kind="invoice").first()
        if existing is None:
            draft = invoicing.draft_create(client_id=client_id, contract_id=contract_id, lines=lines,
                                           payment_terms_days=payment_terms_days, notes=note)
            existing = invoicing.invoice_issue(invoice_id=draft.id)
        return _issued(existing)


def pay_order_by_card(*, order_id: uuid.UUID, client_id: uuid.UUID, amount: Decimal, payment_method: str,
                      idempotency_key: str) -> CardPayment:
    """Charges a card for an order (checkout). Call it with NO transaction open: it talks to
    Stripe between its own short transactions. Never charges twice for one key. Returns a
    succeeded payment, or a pending one (3-D Secure, processing) with what the client needs;
    raises PaymentDeclined (402), InvalidInput (400, `payment_method`), IdempotencyKeyReused
    (422) or PaymentUnavailable (503: retry with the same key)."""
    from contexts.finance.services import payments

    return _card(payments.pay_by_card(client_id=client_id, amount=amount, payment_method=payment_method,
                                      idempotency_key=idempotency_key, order_id=order_id, invoice_ids=[]))


def order_payment(*, order_id: uuid.UUID) -> CardPayment | None:
    """The order's latest payment, as recorded (no call to Stripe)."""
    from contexts.finance.models import Payment

    p = Payment.objects.filter(order_id=order_id).order_by("-created_at").first()
    return _card(p) if p else None


def sync_order_payment(*, order_id: uuid.UUID, give_up: bool = False) -> CardPayment | None:
    """Asks Stripe where the order's pending card payment stands and applies it; with
    `give_up`, an unfinished one is cancelled (or found succeeded meanwhile). No transaction
    may be open. Raises PaymentUnavailable when Stripe does not answer."""
    from contexts.finance.models import Payment
    from contexts.finance.services import payments

    p = Payment.objects.filter(order_id=order_id).order_by("-created_at").first()
    if p is None:
        return None
    return _card(payments.sync_card_payment(payment_id=p.id, give_up=give_up))


def refund_order_payment(*, order_id: uuid.UUID, idempotency_key: str, reason: str) -> Decimal:
    """Refunds what is left of the order's received payment (a cancelled order). No
    transaction may be open (Stripe is called); once per key. Returns the amount refunded."""
    from contexts.finance.models import Payment, Refund
    from contexts.finance.services import payments

    done = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if done is not None:
        return done.amount
    payment = Payment.objects.filter(order_id=order_id, status="succeeded").first()
    if payment is None or payment.amount - payment.refunded_amount <= 0:
        return Decimal("0.00")
    refund = payments.refund_payment(payment_id=payment.id, amount=payment.amount - payment.refunded_amount,
                                     reason=reason, idempotency_key=idempotency_key)
    return refund.amount


def credit_order(*, order_id: uuid.UUID, reason: str) -> str:
    """A credit note for the whole of the order's invoice (a cancelled order); no refund here.
    Joins the caller's transaction. Returns its number ("" when the order has no invoice)."""
    from contexts.finance.models import Invoice
    from contexts.finance.services import invoicing

    invoice = Invoice.objects.filter(order_id=order_id, kind="invoice", status="issued").first()
    if invoice is None:
        return ""
    existing = Invoice.objects.filter(original=invoice, kind="credit_note", status="issued").first()
    if existing is not None and existing.total_gross == invoice.total_gross:
        return existing.number
    credit = invoicing.invoice_issue(invoice_id=invoicing.credit_note_create(invoice_id=invoice.id, reason=reason).id)
    return credit.number


@dataclass(frozen=True)
class InvoicePdf:
    number: str
    content: bytes | None   # None while the worker has not rendered it yet (just after issue)


def order_invoice_pdf(*, order_id: uuid.UUID) -> InvoicePdf | None:
    """The PDF (PDF/A-3 with Factur-X) of the order's invoice, as stored; never rendered here
    (the worker renders it on issue, the sweep job recovers a missed one). None: no invoice."""
    from contexts.finance.models import Invoice

    invoice = Invoice.objects.filter(order_id=order_id, kind="invoice", status="issued").first()
    if invoice is None:
        return None
    doc = invoice.documents.first()
    if doc is None:
        return InvoicePdf(number=invoice.number, content=None)
    with doc.file.open("rb") as fh:
        return InvoicePdf(number=invoice.number, content=fh.read())


def check_plan_limit(*, resource: str, current: int) -> None:
    """Raises PlanLimitReached (402) when the current tenant's plan allows no more `resource`
    ("users", "locations"). Tenants without a subscription have no limit."""
    from django.db import connection

    from contexts.finance.billing import services

    services.check_limit(schema_name=connection.schema_name, resource=resource, current=current)


@dataclass(frozen=True)
class InvoiceShare:
    """A part of an invoice, excl. VAT, with the net amount of each line's variant."""

    invoice_id: uuid.UUID
    client_id: uuid.UUID
    net: Decimal          # the share, excl. VAT
    gross: Decimal        # the share, VAT included
    line_nets: tuple      # ((variant_id or None, net), ...) of the whole invoice


def payment_shares(*, payment_id: uuid.UUID) -> list[InvoiceShare]:
    """What a payment settled, invoice by invoice, excl. VAT (two queries)."""
    from contexts.finance.models import Allocation, InvoiceLine

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


def credit_and_refund_order(*, order_id: uuid.UUID, lines: Iterable[Mapping], reason: str,
                            refund_key: str) -> tuple[str, uuid.UUID | None]:
    """A return, in the caller's transaction and without calling Stripe: a credit note on the
    order's invoice for these lines (net unit prices), and the refund of its gross amount
    reserved on the order's payment (once per `refund_key`). Returns the credit note's number
    and the refund to send with `send_refund` after commit (None: nothing to refund)."""
    from contexts.finance.models import Invoice, Payment
    from contexts.finance.services import invoicing, payments

    invoice = Invoice.objects.filter(order_id=order_id, kind="invoice", status="issued").first()
    if invoice is None:
        raise InvalidInput(_("This order has no invoice to credit."), field="order_id")
    credit = invoicing.invoice_issue(invoice_id=invoicing.credit_note_create(invoice_id=invoice.id, lines=lines,
                                                                              reason=reason).id)
    payment = Payment.objects.filter(order_id=order_id, status="succeeded").first()
    refund = None
    if payment is not None:
        refund = payments.reserve_refund(payment_id=payment.id, amount=credit.total_gross, reason=reason,
                                         idempotency_key=refund_key)
    return credit.number, (refund.id if refund else None)


def send_refund(*, refund_id: uuid.UUID) -> bool:
    """Sends a reserved card refund to Stripe; call it after commit, with no transaction open.
    False when Stripe did not answer or refused: the refund stays pending, and the reconcile job
    (`finance.reconcile_card_payments`) sends it later."""
    import logging

    from contexts.finance.services import payments

    try:
        payments.execute_refund(refund_id=refund_id)
    except (payments.PaymentUnavailable, InvalidInput, payments.IdempotencyKeyReused):
        logging.getLogger(__name__).warning("refund %s not sent yet; the reconcile job retries it", refund_id)
        return False
    return True


def invoice_due_dates(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, "datetime.date | None"]:
    """{invoice id: due date} of issued invoices, one query (engagement's overdue view)."""
    from contexts.finance.models import Invoice

    return dict(Invoice.objects.filter(pk__in=list(ids)).values_list("id", "due_date"))


INVOICE_EXPORT_FIELDS = ("id", "number", "kind", "status", "client_id", "order_id", "buyer_name", "issue_date", "due_date",
                         "currency", "total_net", "total_vat", "total_gross", "created_at")
PAYMENT_EXPORT_FIELDS = ("id", "created_at", "received_at", "client_id", "order_id", "method", "status", "amount",
                         "refunded_amount", "currency", "reference")


def _export(model, fields, created_from, created_to):
    from crm.exports import rows_of

    qs = model.objects.order_by("created_at", "id")
    if created_from:
        qs = qs.filter(created_at__date__gte=created_from)
    if created_to:
        qs = qs.filter(created_at__date__lte=created_to)
    return list(fields), rows_of(qs, fields)


def export_invoices(*, created_from=None, created_to=None):
    """(header, rows): invoices and credit notes as CSV rows, streamed (crm.exports)."""
    from contexts.finance.models import Invoice

    return _export(Invoice, INVOICE_EXPORT_FIELDS, created_from, created_to)


def export_payments(*, created_from=None, created_to=None):
    """(header, rows): payments as CSV rows, streamed (crm.exports)."""
    from contexts.finance.models import Payment

    return _export(Payment, PAYMENT_EXPORT_FIELDS, created_from, created_to)
