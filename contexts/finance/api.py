"""The published interface of finance: the only module other contexts may import (with
events.py). Keyword-only functions returning frozen dataclasses or plain values."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping

from contexts.finance.services.payments import PaymentDeclined, PaymentUnavailable  # noqa: F401  (re-exported)
from crm.rest.errors import InvalidInput  # noqa: F401  (raised by these functions)


@dataclass(frozen=True)
class IssuedInvoice:
    id: uuid.UUID
    number: str
    total_gross: Decimal
    balance: Decimal


@dataclass(frozen=True)
class CardPayment:
    id: uuid.UUID
    status: str
    amount: Decimal


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
    """Charges a card for an order (checkout). Never charges twice for one key; raises
    PaymentDeclined (402) or PaymentUnavailable (503). Call it outside any stock lock."""
    from contexts.finance.services import payments

    p = payments.pay_by_card(client_id=client_id, amount=amount, payment_method=payment_method,
                             idempotency_key=idempotency_key, order_id=order_id, invoice_ids=[])
    return CardPayment(id=p.id, status=p.status, amount=p.amount)


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


def credit_and_refund_order(*, order_id: uuid.UUID, lines: Iterable[Mapping], reason: str) -> str:
    """A return: a credit note on the order's invoice for these lines (net unit prices), and the
    refund of its gross amount on the order's payment. Returns the credit note's number."""
    from django.db import transaction

    from contexts.finance.models import Invoice, Payment
    from contexts.finance.services import invoicing, payments

    with transaction.atomic():
        invoice = Invoice.objects.filter(order_id=order_id, kind="invoice", status="issued").first()
        if invoice is None:
            raise InvalidInput("This order has no invoice to credit.", field="order_id")
        credit = invoicing.invoice_issue(invoice_id=invoicing.credit_note_create(invoice_id=invoice.id, lines=lines,
                                                                                  reason=reason).id)
        payment = Payment.objects.filter(order_id=order_id, status="succeeded").first()
        if payment is not None:
            payments.refund_payment(payment_id=payment.id, amount=credit.total_gross, reason=reason)
    return credit.number
