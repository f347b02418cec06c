"""What finance does for commercial's orders and contracts: their invoices, and the credit note
and refund of a cancellation or a return. These join the caller's transaction (the order's);
Stripe is called by `send_refund` alone, after commit, with no transaction open."""
from __future__ import annotations

import logging
import re
import uuid
from typing import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from contexts.finance import selectors
from contexts.finance.data import IssuedInvoice
from contexts.finance.models import Invoice, Payment, PaymentStatus
from contexts.finance.services import invoicing, payments
from crm import eventbus
from crm.rest.errors import DomainError, InvalidInput
from crm.transactions import joined

logger = logging.getLogger(__name__)


def _joined(what: str) -> None:
    """These commands are parts of the caller's command: they open no transaction of their own."""
    if not transaction.get_connection().in_atomic_block:
        raise eventbus.NoTransaction(f"{what} joins the caller's transaction: call it inside transaction.atomic()")


def _issued(invoice: Invoice) -> IssuedInvoice:
    return IssuedInvoice(id=invoice.id, number=invoice.number, total_gross=invoice.total_gross,
                         balance=payments.invoice_balance(invoice))


def invoice_for_order(*, order_id: uuid.UUID, client_id: uuid.UUID, lines: Iterable[Mapping],
                      payment_terms_days: int = 0) -> IssuedInvoice:
    """The order's invoice, issued once; the order's payments already received are allocated to it."""
    _joined("invoice_for_order")
    invoice = Invoice.objects.filter(order_id=order_id, kind="invoice").select_for_update().first()
    if invoice is None:
        draft = invoicing.draft_create(client_id=client_id, order_id=order_id, lines=lines,
                                       payment_terms_days=payment_terms_days)
        invoice = invoicing.invoice_issue(invoice_id=draft.id)
        for payment in Payment.objects.filter(order_id=order_id, status=PaymentStatus.SUCCEEDED):
            payments.allocate(payment, [invoice.id])
    return _issued(invoice)


def invoice_for_contract_period(*, contract_id: uuid.UUID, client_id: uuid.UUID, period: str,
                                lines: Iterable[Mapping], payment_terms_days: int = 30) -> IssuedInvoice:
    """One invoice per contract and period ("2026-11"), kept unique by the database."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period or ""):
        raise InvalidInput(_("A period is YYYY-MM."), field="period")
    with joined():
        invoice = Invoice.objects.filter(contract_id=contract_id, billing_period=period, kind="invoice").first()
        if invoice is None:
            draft = invoicing.draft_create(client_id=client_id, contract_id=contract_id, lines=lines, billing_period=period,
                                           payment_terms_days=payment_terms_days,
                                           notes=f"Contrat {contract_id} — période {period}")
            invoice = invoicing.invoice_issue(invoice_id=draft.id)
        return _issued(invoice)


def credit_and_refund_order(*, order_id: uuid.UUID, lines: Iterable[Mapping] | None, reason: str,
                            refund_key: str) -> tuple[str, uuid.UUID | None]:
    """See finance.api.credit_and_refund_order; the refund stays within what is left to refund."""
    _joined("credit_and_refund_order")
    invoice = selectors.order_invoice(order_id=order_id)
    if invoice is None:
        raise InvalidInput(_("This order has no invoice to credit."), field="order_id")
    credit = Invoice.objects.filter(original=invoice, kind="credit_note", status="issued",
                                    total_gross=invoice.total_gross).first() if lines is None else None
    if credit is None:
        credit = invoicing.invoice_issue(invoice_id=invoicing.credit_note_create(
            invoice_id=invoice.id, lines=lines, reason=reason).id)
    payment = Payment.objects.filter(order_id=order_id, status=PaymentStatus.SUCCEEDED).first()
    amount = min(credit.total_gross, payment.amount - payment.refunded_amount) if payment else 0
    refund = payments.reserve_refund(payment_id=payment.id, amount=amount, reason=reason,
                                     idempotency_key=refund_key) if amount > 0 else None
    return credit.number, (refund.id if refund else None)


def send_refund(*, refund_id: uuid.UUID) -> bool:
    """See finance.api.send_refund."""
    try:
        payments.execute_refund(refund_id=refund_id)
    except DomainError:
        logger.warning("refund %s not sent yet; the reconcile job retries it", refund_id)
        return False
    return True
