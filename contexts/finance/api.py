"""The published interface of finance: the only module other contexts may import (with
events.py). Keyword-only functions that check their arguments and delegate to a service or a
selector, returning the frozen data classes of data.py or plain values."""
from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Callable, Iterable, Mapping

from contexts.core import api as core_api
from contexts.finance import selectors
from contexts.finance.data import (CardPayment, FormalNoticeLetter, InvoiceLetter, InvoicePdf, InvoiceShare,  # noqa: F401  (returned)
                                   IssuedInvoice, ReportInvoice, ReportLine, ReportPayment)
from contexts.finance.services import dunning, invoicing, letters, order_billing, payments
from contexts.finance.services.payments import IdempotencyKeyReused, PaymentDeclined, PaymentUnavailable  # noqa: F401
from crm.rest.errors import InvalidInput  # noqa: F401  (raised by these functions)


def require_seller_identity() -> None:
    """Raises InvalidInput naming the first missing field of the current tenant's legal identity
    (SIREN, VAT number, address, IBAN...): call it before taking money that will be invoiced."""
    invoicing.check_seller_identity(core_api.current_organisation())


def invoice_for_order(*, order_id: uuid.UUID, client_id: uuid.UUID, lines: Iterable[Mapping],
                      payment_terms_days: int = 0) -> IssuedInvoice:
    """Issues the invoice of an order (lines with label, quantity, unit_price_net, vat_rate).
    Idempotent on the order: a second call returns the first invoice. Payments already received
    for the order are allocated to it. Joins the caller's transaction."""
    return order_billing.invoice_for_order(order_id=order_id, client_id=client_id, lines=lines,
                                           payment_terms_days=payment_terms_days)


def invoice_for_contract_period(*, contract_id: uuid.UUID, client_id: uuid.UUID, period: str,
                                lines: Iterable[Mapping], payment_terms_days: int = 30) -> IssuedInvoice:
    """Issues the invoice of one period of a contract's recurring billing (period "2026-11");
    idempotent on (contract, period)."""
    return order_billing.invoice_for_contract_period(contract_id=contract_id, client_id=client_id, period=period,
                                                     lines=lines, payment_terms_days=payment_terms_days)


def open_order_card_payment(*, order_id: uuid.UUID, client_id: uuid.UUID, amount: Decimal, payment_method: str,
                            idempotency_key: str) -> uuid.UUID:
    """The order's card payment, pending, written in the caller's transaction (the one that
    places the order); pass its id to `pay_order_by_card` after commit. Returns its id."""
    return payments.open_card_payment(client_id=client_id, amount=amount, payment_method=payment_method,
                                      idempotency_key=idempotency_key, order_id=order_id)


def pay_order_by_card(*, order_id: uuid.UUID, client_id: uuid.UUID, amount: Decimal, payment_method: str,
                      idempotency_key: str, opened_payment_id: uuid.UUID | None = None,
                      on_succeeded: Callable[[uuid.UUID], None] | None = None) -> CardPayment:
    """Charges a card for an order (checkout). Call it with NO transaction open: it talks to
    Stripe between its own short transactions. Never charges twice for one key. Returns a
    succeeded payment, or a pending one (3-D Secure, processing) with what the client needs;
    raises PaymentDeclined (402), InvalidInput (400, `payment_method`), IdempotencyKeyReused
    (422) or PaymentUnavailable (503: retry with the same key). `opened_payment_id`: the row
    written by `open_order_card_payment` (same arguments); `on_succeeded(payment_id)` runs in the
    short transaction that records a succeeded charge."""
    if on_succeeded is not None and not callable(on_succeeded):
        raise TypeError("on_succeeded must be callable")
    return selectors.card_payment(payments.pay_by_card(client_id=client_id, amount=amount, payment_method=payment_method,
                                                       idempotency_key=idempotency_key, order_id=order_id, invoice_ids=[],
                                                       opened_payment_id=opened_payment_id, on_succeeded=on_succeeded))


def order_payment(*, order_id: uuid.UUID) -> CardPayment | None:
    """The order's latest payment, as recorded (no call to Stripe)."""
    payment = selectors.latest_order_payment(order_id=order_id)
    return selectors.card_payment(payment) if payment else None


def sync_order_payment(*, order_id: uuid.UUID, give_up: bool = False) -> CardPayment | None:
    """Asks Stripe where the order's pending card payment stands and applies it; with
    `give_up`, an unfinished one is cancelled (or found succeeded meanwhile). No transaction
    may be open. Raises PaymentUnavailable when Stripe does not answer."""
    payment = selectors.latest_order_payment(order_id=order_id)
    return selectors.card_payment(payments.sync_card_payment(payment_id=payment.id, give_up=give_up)) if payment else None


def credit_and_refund_order(*, order_id: uuid.UUID, lines: Iterable[Mapping] | None, reason: str,
                            refund_key: str) -> tuple[str, uuid.UUID | None]:
    """A cancellation (`lines=None`: the whole invoice) or a return (these lines, net unit
    prices), in the caller's transaction and without calling Stripe: a credit note on the
    order's invoice, and the refund of its gross amount reserved on the order's payment (once
    per `refund_key`). Returns the credit note's number and the refund to pass to `send_refund`
    after commit (None: nothing to refund)."""
    return order_billing.credit_and_refund_order(order_id=order_id, lines=lines, reason=reason, refund_key=refund_key)


def send_refund(*, refund_id: uuid.UUID) -> bool:
    """Sends a reserved card refund to Stripe; call it after commit, with no transaction open.
    False when Stripe did not answer or refused: the refund stays pending, and the reconcile job
    (`finance.reconcile_card_payments`) sends it later."""
    return order_billing.send_refund(refund_id=refund_id)


def order_invoice_pdf(*, order_id: uuid.UUID) -> InvoicePdf | None:
    """The PDF (PDF/A-3 with Factur-X) of the order's invoice, as stored; never rendered here
    (the worker renders it on issue, the sweep job recovers a missed one). None: no invoice."""
    return selectors.order_invoice_pdf(order_id=order_id)


def payment_shares(*, payment_id: uuid.UUID) -> list[InvoiceShare]:
    """What a payment settled, invoice by invoice, excl. VAT (two queries)."""
    return selectors.payment_shares(payment_id=payment_id)


def formal_notice_letter(*, reminder_id: uuid.UUID | str) -> FormalNoticeLetter:
    """A formal notice (dunning level 3) as a letter to post: the buyer's address and the PDF."""
    return letters.formal_notice_letter(reminder_id=reminder_id)


def invoice_letter(*, invoice_id: uuid.UUID | str) -> InvoiceLetter | None:
    """An issued invoice to post when its buyer has no e-mail address; None when it goes by e-mail."""
    return letters.invoice_letter(invoice_id=invoice_id)


def record_dunning_dispatch(*, reminder_id: uuid.UUID | str, dispatch_id: uuid.UUID | str, status: str, proof: str = "",
                            cost: Decimal | None = None) -> None:
    """What became of a posted reminder (logistics' postal dispatch): shown in the invoice's
    dunning history."""
    dunning.record_dispatch(reminder_id=reminder_id, dispatch_id=dispatch_id, status=status, proof=proof, cost=cost)


def report_invoice(*, invoice_id: uuid.UUID) -> ReportInvoice | None:
    """One issued invoice with its lines (two queries); None for a draft or an unknown id."""
    return selectors.report_invoice(invoice_id=invoice_id)


def report_invoices(*, after_id: uuid.UUID | None=None, limit: int=500) -> list[ReportInvoice]:
    """Issued invoices and credit notes by id, a page at a time (the read model's rebuild)."""
    return selectors.report_invoices(after_id=after_id, limit=limit)


def report_payments(*, after_id: uuid.UUID | None=None, limit: int=500) -> list[ReportPayment]:
    """Received payments with their allocations, a page at a time (the read model's rebuild)."""
    return selectors.report_payments(after_id=after_id, limit=limit)


def invoice_due_dates(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, 'datetime.date | None']:
    """{invoice id: due date} of issued invoices, one query (engagement's overdue view)."""
    return selectors.invoice_due_dates(ids=ids)


def export_invoices(*, created_from=None, created_to=None):
    """(header, rows): invoices and credit notes as CSV rows, streamed (crm.exports)."""
    return selectors.export_invoices(created_from=created_from, created_to=created_to)


def export_payments(*, created_from=None, created_to=None):
    """(header, rows): payments as CSV rows, streamed (crm.exports)."""
    return selectors.export_payments(created_from=created_from, created_to=created_to)
