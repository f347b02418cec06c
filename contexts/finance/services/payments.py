"""Payments: card (Stripe), transfer, cheque, cash; partial payments, allocation to invoices,
refunds; Stripe webhooks applied once per event id, in the right tenant, in order."""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from contexts.finance.events import PaymentReceived, PaymentRejected
from contexts.finance.gateways import stripe_gateway
from contexts.finance.models import Allocation, Invoice, Payment, PaymentMethod, PaymentStatus, Refund, StripeEvent
from crm import eventbus
from crm.money import cents
from crm.rest.errors import DomainError, InvalidInput, NotFound


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status_code = 402


class PaymentUnavailable(DomainError):
    code = "payment_unavailable"
    status_code = 503


class Overpayment(DomainError):
    code = "allocation_exceeds"


def _amount(value, field="amount") -> Decimal:
    try:
        amount = cents(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput("The amount is a decimal number.", field=field)
    if amount <= 0:
        raise InvalidInput("The amount must be positive.", field=field)
    return amount


def invoice_balance(invoice: Invoice) -> Decimal:
    paid = invoice.allocations.filter(payment__status=PaymentStatus.SUCCEEDED).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return invoice.total_gross - paid


def _allocate(payment: Payment, invoice_ids: Iterable[uuid.UUID] | None) -> list[uuid.UUID]:
    """Spreads the payment over the given invoices (or the client's oldest open ones), never
    beyond an invoice's balance. What is left stays unallocated on the payment (credit)."""
    qs = Invoice.objects.select_for_update().filter(status="issued", kind="invoice", client_id=payment.client_id)
    if invoice_ids is not None and not list(invoice_ids):
        return []  # an order's payment waits for the order's invoice
    invoices = list(qs.filter(id__in=list(invoice_ids)).order_by("issue_date", "number")) if invoice_ids else list(qs.order_by("issue_date", "number"))
    if invoice_ids and len(invoices) != len(set(invoice_ids)):
        raise InvalidInput("An invoice is unknown, not issued, or not this client's.", field="invoice_ids")
    left = payment.amount - (payment.allocations.aggregate(s=Sum("amount"))["s"] or Decimal("0"))
    touched = []
    for invoice in invoices:
        if left <= 0:
            break
        due = invoice_balance(invoice)
        if due <= 0:
            continue
        part = min(due, left)
        Allocation.objects.create(payment=payment, invoice=invoice, amount=part)
        touched.append(invoice.id)
        left -= part
    return touched


def _succeeded(payment: Payment, invoice_ids=None) -> None:
    payment.status, payment.received_at = PaymentStatus.SUCCEEDED, timezone.now()
    payment.save(update_fields=["status", "received_at", "stripe_last_event_at"])
    touched = _allocate(payment, invoice_ids)
    eventbus.publish(PaymentReceived(payment_id=payment.id, client_id=payment.client_id, method=payment.method,
                                     amount=payment.amount, currency=payment.currency, invoice_ids=touched,
                                     order_id=payment.order_id))


def _failed(payment: Payment, reason: str) -> None:
    payment.status, payment.failure_reason = PaymentStatus.FAILED, reason[:200]
    payment.save(update_fields=["status", "failure_reason", "stripe_last_event_at"])
    eventbus.publish(PaymentRejected(payment_id=payment.id, client_id=payment.client_id, amount=payment.amount,
                                     reason=payment.failure_reason, order_id=payment.order_id))


def record_payment(*, client_id: uuid.UUID, method: str, amount, reference: str = "",
                   invoice_ids: list[uuid.UUID] | None = None) -> Payment:
    """A transfer, a cheque or cash received: recorded, allocated, published."""
    if method not in (PaymentMethod.TRANSFER, PaymentMethod.CHEQUE, PaymentMethod.CASH):
        raise InvalidInput("Record transfers, cheques and cash here; cards go through Stripe.", field="method")
    amount = _amount(amount)
    with transaction.atomic():
        payment = Payment.objects.create(client_id=client_id, method=method, amount=amount, reference=reference)
        _succeeded(payment, invoice_ids)
    return payment


def pay_by_card(*, client_id: uuid.UUID, amount, payment_method: str, idempotency_key: str,
                invoice_ids: list[uuid.UUID] | None = None, order_id: uuid.UUID | None = None) -> Payment:
    """Charges a card through Stripe. A retry with the same idempotency key returns the same
    payment and never charges twice: the key is unique in our table and sent to Stripe. No
    database lock is held while Stripe is called."""
    from django.db import connection

    amount = _amount(amount)
    if not idempotency_key:
        raise InvalidInput("An Idempotency-Key is required for card payments.", field="idempotency_key")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(client_id=client_id, order_id=order_id, method=PaymentMethod.STRIPE,
                                             amount=amount, idempotency_key=idempotency_key)
    except IntegrityError:
        existing = Payment.objects.get(idempotency_key=idempotency_key)
        if existing.amount != amount or existing.client_id != client_id:
            raise InvalidInput("This Idempotency-Key was used for another payment.", field="idempotency_key")
        if existing.status != PaymentStatus.PENDING or existing.stripe_payment_intent:
            return existing
        payment = existing  # the first attempt died before Stripe answered: ask again, same key

    try:
        result = stripe_gateway.charge(amount=amount, currency=payment.currency, payment_method=payment_method,
                                       idempotency_key=f"{connection.schema_name}:{idempotency_key}",
                                       metadata={"tenant": connection.schema_name, "payment_id": str(payment.id)})
    except stripe_gateway.StripeUnavailable as exc:
        raise PaymentUnavailable(f"The card processor did not answer; retry with the same key. ({exc})")

    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.stripe_payment_intent = result.id or None
        payment.save(update_fields=["stripe_payment_intent"])
        if payment.status == PaymentStatus.PENDING:  # a webhook may have been faster
            if result.status == "succeeded":
                _succeeded(payment, invoice_ids)
            elif result.status == "failed" or result.status == "requires_payment_method":
                _failed(payment, result.failure or "card declined")
    payment.refresh_from_db()
    if payment.status == PaymentStatus.FAILED:
        raise PaymentDeclined(payment.failure_reason or "The card was declined.", field="payment_method")
    return payment


def refund_payment(*, payment_id: uuid.UUID, amount, reason: str = "") -> Refund:
    amount = _amount(amount)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None:
            raise NotFound("No such payment.", field="payment_id")
        if payment.status != PaymentStatus.SUCCEEDED:
            raise InvalidInput("Only a received payment can be refunded.", field="payment_id")
        if payment.refunded_amount + amount > payment.amount:
            raise InvalidInput(f"At most {payment.amount - payment.refunded_amount} can still be refunded.", field="amount")
        stripe_id = None
        if payment.method == PaymentMethod.STRIPE:
            n = payment.refunds.count() + 1
            try:
                stripe_id = stripe_gateway.refund(payment_intent=payment.stripe_payment_intent, amount=amount,
                                                  idempotency_key=f"refund:{payment.pk}:{n}")
            except stripe_gateway.StripeUnavailable as exc:
                raise PaymentUnavailable(f"The card processor did not answer. ({exc})")
        refund = Refund.objects.create(payment=payment, amount=amount, stripe_refund_id=stripe_id, reason=reason)
        payment.refunded_amount += amount
        payment.save(update_fields=["refunded_amount"])
    return refund


# --- webhooks -----------------------------------------------------------------------------------

def apply_stripe_event(*, event_id: str, event_type: str, created: int, obj: dict) -> str:
    """Applies one verified Stripe event in the current tenant: once per event id, and never
    going back in time (an older event than the last applied one changes nothing)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event_id, type=event_type, created=created)
        except IntegrityError:
            return "duplicate"
        if not event_type.startswith("payment_intent."):
            return "ignored"
        payment = Payment.objects.select_for_update().filter(stripe_payment_intent=obj.get("id")).first()
        if payment is None:
            payment_id = (obj.get("metadata") or {}).get("payment_id")
            payment = Payment.objects.select_for_update().filter(pk=payment_id).first() if payment_id else None
        if payment is None:
            return "unknown"
        if payment.stripe_last_event_at and created < payment.stripe_last_event_at:
            return "stale"
        payment.stripe_last_event_at = created
        payment.stripe_payment_intent = payment.stripe_payment_intent or obj.get("id")
        if event_type == "payment_intent.succeeded" and payment.status != PaymentStatus.SUCCEEDED:
            payment.save(update_fields=["stripe_payment_intent"])
            _succeeded(payment)
            return "succeeded"
        if event_type == "payment_intent.payment_failed" and payment.status == PaymentStatus.PENDING:
            error = obj.get("last_payment_error") or {}
            payment.save(update_fields=["stripe_payment_intent"])
            _failed(payment, error.get("message", "card declined"))
            return "failed"
        payment.save(update_fields=["stripe_payment_intent", "stripe_last_event_at"])
        return "no-op"
