"""Payments: card (Stripe), transfer, cheque, cash; partial payments, allocation to invoices,
refunds; Stripe webhooks applied once per event id, in the right tenant, in order."""
from __future__ import annotations

import datetime
import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from contexts.finance.events import PaymentReceived, PaymentRejected
from contexts.finance.gateways import stripe_gateway
from contexts.finance.models import Allocation, Invoice, Payment, PaymentMethod, PaymentStatus, Refund, StripeEvent
from crm import eventbus, tenancy
from crm.money import cents
from crm.rest.errors import DomainError, InvalidInput, NotFound
from django.utils.translation import gettext as _
from crm.transactions import joined

logger = logging.getLogger(__name__)


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status_code = 402


class PaymentUnavailable(DomainError):
    code = "payment_unavailable"
    status_code = 503


class IdempotencyKeyReused(DomainError):
    """An Idempotency-Key replayed with other parameters (as Stripe answers it)."""

    code = "idempotency_key_reused"
    status_code = 422


def _amount(value, field="amount") -> Decimal:
    try:
        amount = cents(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("The amount is a decimal number."), field=field)
    if amount <= 0:
        raise InvalidInput(_("The amount must be positive."), field=field)
    return amount


def invoice_balance(invoice: Invoice) -> Decimal:
    paid = invoice.allocations.filter(payment__status=PaymentStatus.SUCCEEDED).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return invoice.total_gross - paid


def allocate(payment: Payment, invoice_ids: Iterable[uuid.UUID] | None) -> list[uuid.UUID]:
    """Spreads the payment over the given invoices (or the client's oldest open ones), never
    beyond an invoice's balance. What is left stays unallocated on the payment (credit)."""
    qs = Invoice.objects.select_for_update().filter(status="issued", kind="invoice", client_id=payment.client_id)
    if invoice_ids is not None and not list(invoice_ids):
        return []  # an order's payment waits for the order's invoice
    invoices = list(qs.filter(id__in=list(invoice_ids)).order_by("issue_date", "number")) if invoice_ids else list(qs.order_by("issue_date", "number"))
    if invoice_ids and len(invoices) != len(set(invoice_ids)):
        raise InvalidInput(_("An invoice is unknown, not issued, or not this client's."), field="invoice_ids")
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
    if invoice_ids is None and payment.order_id:
        invoice_ids = []  # an order's payment settles the order's invoice (invoice_for_order), no other
    payment.status, payment.received_at = PaymentStatus.SUCCEEDED, timezone.now()
    payment.save(update_fields=["status", "received_at", "stripe_last_event_at"])
    touched = allocate(payment, invoice_ids)
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
        raise InvalidInput(_("Record transfers, cheques and cash here; cards go through Stripe."), field="method")
    amount = _amount(amount)
    with joined():
        payment = Payment.objects.create(client_id=client_id, method=method, amount=amount, reference=reference)
        _succeeded(payment, invoice_ids)
    return payment


@contextmanager
def gateway_errors():
    """The gateway's exceptions as API errors (4xx naming the field, 422, or 503); the upstream
    text was logged by the gateway and never reaches the caller."""
    try:
        yield
    except stripe_gateway.StripeRefused as exc:
        raise InvalidInput(exc.message, field=exc.field) from exc
    except stripe_gateway.StripeIdempotencyMismatch as exc:
        raise IdempotencyKeyReused(_("This Idempotency-Key was used with other parameters."),
                                   field="Idempotency-Key") from exc
    except stripe_gateway.StripeUnavailable as exc:
        raise PaymentUnavailable(_("The card processor is not available; retry later with the same Idempotency-Key.")) from exc


@dataclass(frozen=True)
class CardOutcome:
    """What a card payment came to: the payment, and for an unfinished one (3-D Secure,
    processing) what the client needs to finish it."""

    payment: Payment
    intent_status: str = ""
    client_secret: str = ""
    next_action: dict | None = None


def _stripe_key(idempotency_key: str) -> str:
    return f"{tenancy.current_schema()}:{idempotency_key}"


def _apply_intent(payment_id: uuid.UUID, result: stripe_gateway.IntentResult, invoice_ids=None) -> Payment:
    """The short transaction after a Stripe answer: records the intent and applies its status."""
    with joined():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if result.id and payment.stripe_payment_intent != result.id:
            payment.stripe_payment_intent = result.id
            payment.save(update_fields=["stripe_payment_intent"])
        if payment.status == PaymentStatus.PENDING:  # a webhook may have been faster
            if result.status == "succeeded":
                _succeeded(payment, invoice_ids)
            elif result.status in ("failed", "requires_payment_method", "canceled"):
                _failed(payment, result.failure or "card declined")
    return payment


def open_card_payment(*, client_id: uuid.UUID, amount, payment_method: str, idempotency_key: str,
                      order_id: uuid.UUID | None = None) -> uuid.UUID:
    """Step 1 of `pay_by_card` in the caller's transaction (the checkout writes it with the
    order it pays, one commit for both): the pending payment row with its idempotency key."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise InvalidInput(_("An Idempotency-Key has at most 100 characters."), field="Idempotency-Key")
    with joined():
        return Payment.objects.create(client_id=client_id, order_id=order_id, method=PaymentMethod.STRIPE,
                                      amount=_amount(amount), idempotency_key=idempotency_key,
                                      stripe_payment_method=payment_method).pk


def pay_by_card(*, client_id: uuid.UUID, amount, payment_method: str, idempotency_key: str,
                invoice_ids: list[uuid.UUID] | None = None, order_id: uuid.UUID | None = None,
                opened_payment_id: uuid.UUID | None = None, on_succeeded=None) -> CardOutcome:
    """Charges a card through Stripe, with no transaction open and no row locked during the calls:

    1. short transaction: the payment row (pending) with the idempotency key (unique);
    2. Stripe: create the PaymentIntent (not confirmed: no money moves); short transaction:
       record its id, so that whatever happens next can be looked up;
    3. Stripe: confirm it; short transaction: apply the outcome. `succeeded` -> received and
       allocated; declined -> failed (PaymentDeclined, 402); `requires_action` (3-D Secure) or
       `processing` -> stays pending, the outcome carries what the client needs. The signed
       webhook, a retry with the same key or the reconcile job finishes it.

    A retry with the same key never charges twice: it resumes from the recorded state. The same
    key with other parameters is refused (IdempotencyKeyReused, 422).

    `opened_payment_id`: step 1 was done by `open_card_payment` in the caller's committed
    transaction, with these very arguments (nothing happened to it since: no read again).
    `on_succeeded(payment_id)` runs inside the transaction that records a succeeded outcome (the
    checkout marks its order paid in it: one short transaction, not two)."""
    amount = _amount(amount)
    if not idempotency_key:
        raise InvalidInput(_("An Idempotency-Key is required for card payments."), field="idempotency_key")
    if len(idempotency_key) > 100:
        raise InvalidInput(_("An Idempotency-Key has at most 100 characters."), field="Idempotency-Key")
    if not payment_method:
        raise InvalidInput(_("A payment method is required."), field="payment_method")
    try:
        if opened_payment_id is not None:
            payment = Payment(pk=opened_payment_id, client_id=client_id, order_id=order_id, method=PaymentMethod.STRIPE,
                              amount=amount, idempotency_key=idempotency_key, stripe_payment_method=payment_method)
        else:
            with transaction.atomic():
                payment = Payment.objects.create(client_id=client_id, order_id=order_id, method=PaymentMethod.STRIPE,
                                                 amount=amount, idempotency_key=idempotency_key,
                                                 stripe_payment_method=payment_method)
    except IntegrityError:
        payment = Payment.objects.get(idempotency_key=idempotency_key)
        if (payment.amount != amount or payment.client_id != client_id or payment.order_id != order_id
                or (payment.stripe_payment_method and payment.stripe_payment_method != payment_method)):
            raise IdempotencyKeyReused(_("This Idempotency-Key was used for another payment."), field="Idempotency-Key")
        if payment.status == PaymentStatus.FAILED:
            raise PaymentDeclined(payment.failure_reason or _("The card was declined."), field="payment_method")
        if payment.status != PaymentStatus.PENDING:
            return CardOutcome(payment=payment, intent_status="succeeded")

    key = _stripe_key(idempotency_key)
    metadata = {"tenant": tenancy.current_schema(), "payment_id": str(payment.id)}
    try:
        with gateway_errors():
            if not payment.stripe_payment_intent:
                created = stripe_gateway.create_intent(amount=amount, currency=payment.currency,
                                                       payment_method=payment_method, idempotency_key=key,
                                                       metadata=metadata)
                if created.id:  # recorded at once (one statement, no transaction): a crash from here on is
                    # found again by the reconcile job or a retry through the intent's id
                    Payment.objects.filter(Q(stripe_payment_intent__isnull=True) | Q(stripe_payment_intent=""),
                                           pk=payment.pk).update(stripe_payment_intent=created.id)
                    payment.stripe_payment_intent = created.id
                result = created
            else:  # a retry: where is it?
                result = stripe_gateway.retrieve_intent(intent_id=payment.stripe_payment_intent)
            if result.status == "requires_confirmation":
                result = stripe_gateway.confirm_intent(intent_id=payment.stripe_payment_intent,
                                                       idempotency_key=f"{key}:confirm")
    except (InvalidInput, IdempotencyKeyReused) as exc:
        # Stripe refused what was sent (an unknown payment method...): nothing was charged; the
        # payment is closed as failed rather than left pending without an intent.
        _apply_intent(payment.pk, stripe_gateway.IntentResult(id="", status="failed", failure=exc.message[:200]))
        raise
    if on_succeeded is None:
        payment = _apply_intent(payment.pk, result, invoice_ids)
    else:
        with transaction.atomic(durable=True):
            payment = _apply_intent(payment.pk, result, invoice_ids)
            if payment.status == PaymentStatus.SUCCEEDED:
                on_succeeded(payment.pk)
    if payment.status == PaymentStatus.FAILED:
        raise PaymentDeclined(payment.failure_reason or _("The card was declined."), field="payment_method")
    return CardOutcome(payment=payment, intent_status=result.status,
                       client_secret=result.client_secret if payment.status == PaymentStatus.PENDING else "",
                       next_action=result.next_action if payment.status == PaymentStatus.PENDING else None)


def sync_card_payment(*, payment_id: uuid.UUID, give_up: bool = False) -> Payment:
    """Asks Stripe where a pending card payment stands and applies it (the reconcile job, a
    retry). With `give_up`, an unfinished one is cancelled at Stripe and marked failed; if it
    succeeded meanwhile, it is received instead. No transaction may be open."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING or payment.method != PaymentMethod.STRIPE:
        return payment
    with gateway_errors():
        if not payment.stripe_payment_intent:
            result = stripe_gateway.IntentResult(id="", status="failed" if give_up else "unknown",
                                                 failure="no answer from the card processor")
        else:
            result = stripe_gateway.retrieve_intent(intent_id=payment.stripe_payment_intent)
            if give_up and result.status not in ("succeeded", "failed", "requires_payment_method", "canceled"):
                result = stripe_gateway.cancel_intent(intent_id=payment.stripe_payment_intent)
                if result.status == "canceled":
                    result = stripe_gateway.IntentResult(id=result.id, status="canceled",
                                                         failure="payment not completed in time")
    return _apply_intent(payment.pk, result)


def pending_card_payments(*, older_than: datetime.datetime, order_ids: bool = False) -> list[uuid.UUID]:
    qs = Payment.objects.filter(method=PaymentMethod.STRIPE, status=PaymentStatus.PENDING, created_at__lt=older_than)
    return list(qs.filter(order_id__isnull=not order_ids).values_list("id", flat=True)[:500])


def reconcile_card_payments(*, now: datetime.datetime) -> int:
    """The beat job: card refunds reserved but never sent (a return while Stripe was down) are
    sent; card payments outside orders (orders have commercial's job) pending for a while are
    synced with Stripe, and given up past PAYMENT_ACTION_TIMEOUT_SECONDS."""
    settle = now - datetime.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS)
    timeout = now - datetime.timedelta(seconds=settings.PAYMENT_ACTION_TIMEOUT_SECONDS)
    n = 0
    for refund_id in pending_refunds(older_than=settle):  # reserved by a return, Stripe did not answer
        try:
            execute_refund(refund_id=refund_id)
        except PaymentUnavailable:
            return n
        except DomainError:
            logger.error("refund %s refused by Stripe: to be settled by hand", refund_id)
            continue
        n += 1
    for payment_id in pending_card_payments(older_than=settle):
        created = Payment.objects.values_list("created_at", flat=True).get(pk=payment_id)
        try:
            payment = sync_card_payment(payment_id=payment_id, give_up=created < timeout)
        except PaymentUnavailable:
            break  # Stripe is down: the next run tries again
        n += payment.status != PaymentStatus.PENDING
    return n


def reserve_refund(*, payment_id: uuid.UUID, amount, reason: str = "", idempotency_key: str | None = None) -> Refund:
    """Records a refund to make (in the caller's transaction; no call to Stripe): within what is
    left of the payment, once per key. A card refund stays pending (no stripe_refund_id) until
    `execute_refund` runs after commit; the reconcile job retries the pending ones."""
    amount = _amount(amount)
    if idempotency_key:
        done = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            if done.payment_id != payment_id or done.amount != amount:
                raise IdempotencyKeyReused(_("This refund key was used for another refund."), field="Idempotency-Key")
            return done
    with joined():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None:
            raise NotFound(_("No such payment."), field="payment_id")
        if payment.status != PaymentStatus.SUCCEEDED:
            raise InvalidInput(_("Only a received payment can be refunded."), field="payment_id")
        if payment.refunded_amount + amount > payment.amount:
            raise InvalidInput(_("At most %(refunded_amount)s can still be refunded.") % {"refunded_amount": payment.amount - payment.refunded_amount}, field="amount")
        n = payment.refunds.count() + 1
        refund = Refund.objects.create(payment=payment, amount=amount, reason=reason,
                                       idempotency_key=idempotency_key or f"refund:{payment.pk}:{n}")
        payment.refunded_amount += amount
        payment.save(update_fields=["refunded_amount"])
    return refund


def execute_refund(*, refund_id: uuid.UUID) -> Refund:
    """Sends a reserved card refund to Stripe (no transaction may be open; once per key) and
    records its id. Raises the API errors of `gateway_errors`, leaving the refund pending."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.stripe_refund_id or refund.payment.method != PaymentMethod.STRIPE:
        return refund
    with gateway_errors():
        stripe_id = stripe_gateway.refund(payment_intent=refund.payment.stripe_payment_intent, amount=refund.amount,
                                          idempotency_key=_stripe_key(refund.idempotency_key))
    Refund.objects.filter(pk=refund.pk).update(stripe_refund_id=stripe_id)
    refund.stripe_refund_id = stripe_id
    return refund


def pending_refunds(*, older_than: datetime.datetime) -> list[uuid.UUID]:
    return list(Refund.objects.filter(stripe_refund_id__isnull=True, payment__method=PaymentMethod.STRIPE,
                                      created_at__lt=older_than).values_list("id", flat=True)[:500])


def refund_payment(*, payment_id: uuid.UUID, amount, reason: str = "", idempotency_key: str | None = None) -> Refund:
    """Refunds (part of) a received payment now (the API). The refund is reserved in a short
    transaction (two refunds never pass the amount), Stripe is called with no transaction open,
    and its id recorded after; if Stripe refuses or does not answer, the reservation is undone
    and the error returned (400 naming the field, 503). With an `idempotency_key`, a second call
    returns the first refund."""
    refund = reserve_refund(payment_id=payment_id, amount=amount, reason=reason, idempotency_key=idempotency_key)
    try:
        return execute_refund(refund_id=refund.pk)
    except DomainError:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment_id)
            payment.refunded_amount -= refund.amount
            payment.save(update_fields=["refunded_amount"])
            refund.delete()
        raise


# --- webhooks -----------------------------------------------------------------------------------

def apply_stripe_event(*, event_id: str, event_type: str, created: int, obj: dict) -> str:
    """Applies one verified Stripe event in the current tenant: once per event id, and never
    going back in time (an older event than the last applied one changes nothing).

    The event id is recorded only with its effect: an event about a payment this tenant does
    not have (yet) returns "unknown" and is NOT recorded, so that Stripe's redelivery applies it
    once the payment is there (the webhook view answers it with a non-2xx status)."""
    if not event_type.startswith("payment_intent."):
        return "ignored"
    with joined():
        payment = Payment.objects.select_for_update().filter(stripe_payment_intent=obj.get("id")).first() if obj.get("id") else None
        if payment is None:
            payment_id = (obj.get("metadata") or {}).get("payment_id")
            try:
                payment = Payment.objects.select_for_update().filter(pk=uuid.UUID(str(payment_id))).first() if payment_id else None
            except ValueError:
                payment = None
        if payment is None:
            return "unknown"
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event_id, type=event_type, created=created)
        except IntegrityError:
            return "duplicate"
        if payment.stripe_last_event_at and created < payment.stripe_last_event_at:
            return "stale"
        payment.stripe_last_event_at = created
        payment.stripe_payment_intent = payment.stripe_payment_intent or obj.get("id")
        if event_type == "payment_intent.succeeded" and payment.status != PaymentStatus.SUCCEEDED:
            payment.save(update_fields=["stripe_payment_intent"])
            _succeeded(payment)
            return "succeeded"
        if event_type in ("payment_intent.payment_failed", "payment_intent.canceled") and payment.status == PaymentStatus.PENDING:
            error = obj.get("last_payment_error") or {}
            payment.save(update_fields=["stripe_payment_intent"])
            _failed(payment, (error.get("message") if isinstance(error, dict) else "") or "card declined")
            return "failed"
        payment.save(update_fields=["stripe_payment_intent", "stripe_last_event_at"])
        return "no-op"
