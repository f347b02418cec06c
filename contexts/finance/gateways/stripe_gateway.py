"""Stripe, through the official library. Amounts cross this border in cents.

Every error the library documents becomes one of three exceptions, so that callers never see
(nor show) the upstream text, which is logged here:

- a decline (CardError) is an answer, not an exception: `IntentResult(status="failed")`;
- `StripeRefused(field)`: our request was refused for something the caller sent (an unknown
  payment method, an amount above what can be refunded): a 4xx naming `field`;
- `StripeIdempotencyMismatch`: the key was used with other parameters (422);
- `StripeUnavailable`: Stripe did not answer, limited us, or refused our credentials: a 503,
  the caller may retry with the same key.

No function here may be called with a database transaction open (the callers in
services/payments.py make sure of it; a test wraps this module to check).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

import stripe
from django.utils.translation import gettext as _
from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntentResult:
    id: str
    status: str            # succeeded, requires_action, processing, requires_confirmation, canceled, failed...
    failure: str = ""
    client_secret: str = ""
    next_action: dict | None = field(default=None, hash=False, compare=False)


class StripeUnavailable(Exception):
    """Stripe did not answer (network, 5xx, rate limit, our credentials): retry with the same key."""


class StripeRefused(Exception):
    """Stripe refused what the caller sent; `field` names the input to change."""

    def __init__(self, message: str, *, field: str, code: str = ""):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


class StripeIdempotencyMismatch(Exception):
    """The idempotency key was already used with other parameters."""


# Stripe's parameter names -> the names our callers use.
_FIELDS = {"payment_method": "payment_method", "amount": "amount", "currency": "currency",
           "customer": "customer", "payment_intent": "payment_intent", "charge": "payment_intent"}


def _client() -> stripe.StripeClient:
    kwargs = {}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, max_network_retries=1, **kwargs)


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _translate(exc: stripe.StripeError, *, operation: str, default_field: str) -> Exception:
    """One documented Stripe error -> our exception (the upstream text goes to the log only)."""
    logger.warning("stripe %s failed: %s %s (request %s)", operation, type(exc).__name__, exc,
                   getattr(exc, "request_id", ""))
    if isinstance(exc, stripe.IdempotencyError):
        return StripeIdempotencyMismatch(_("This key was used with other parameters."))
    if isinstance(exc, stripe.InvalidRequestError):
        param = (getattr(exc, "param", None) or "").split("[")[0]
        name = _FIELDS.get(param, default_field)
        if getattr(exc, "http_status", None) == 404 or getattr(exc, "code", "") == "resource_missing":
            return StripeRefused(_("Unknown %(name)s.") % {"name": name.replace("_", " ")}, field=name, code="resource_missing")
        return StripeRefused(_("The card processor refused this %(name)s.") % {"name": name.replace("_", " ")}, field=name,
                             code=getattr(exc, "code", "") or "invalid_request")
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        logger.error("stripe refused our credentials: check STRIPE_SECRET_KEY")
    # APIConnectionError, APIError, RateLimitError, AuthenticationError, PermissionError and
    # any other StripeError: nothing the caller can fix; retry later with the same key.
    return StripeUnavailable(type(exc).__name__)


def _result(intent) -> IntentResult:
    d = intent.to_dict() if hasattr(intent, "to_dict") else dict(intent)
    status = d.get("status") or ""
    failure = ""
    if status not in ("succeeded", "processing", "requires_action", "requires_confirmation", "requires_capture"):
        error = d.get("last_payment_error") or {}
        failure = (error.get("message") if isinstance(error, dict) else "") or status
    next_action = d.get("next_action")
    return IntentResult(id=d.get("id") or "", status=status, failure=failure, client_secret=d.get("client_secret") or "",
                        next_action=next_action if isinstance(next_action, dict) and next_action else None)


def create_customer(*, email: str, name: str, payment_method: str) -> str:
    try:
        customer = _client().v1.customers.create(params={"email": email, "name": name})
        _client().v1.payment_methods.attach(payment_method, params={"customer": customer.id})
    except stripe.StripeError as exc:
        raise _translate(exc, operation="create_customer", default_field="payment_method") from exc
    return customer.id


def create_intent(*, amount: Decimal, currency: str, payment_method: str, idempotency_key: str, metadata: dict,
                  customer: str | None = None) -> IntentResult:
    """Creates a PaymentIntent, not confirmed: no money moves, so its id can be recorded before."""
    try:
        intent = _client().v1.payment_intents.create(
            params={"amount": to_cents(amount), "currency": currency.lower(), "payment_method": payment_method,
                    "metadata": metadata, "payment_method_types": ["card"],
                    **({"customer": customer} if customer else {})},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _translate(exc, operation="create_intent", default_field="payment_method") from exc
    return _result(intent)


def confirm_intent(*, intent_id: str, idempotency_key: str) -> IntentResult:
    """Confirms (charges) an intent. A decline is a `failed` result; 3-D Secure gives
    `requires_action` with what the client needs (client_secret, next_action)."""
    try:
        intent = _client().v1.payment_intents.confirm(intent_id, options={"idempotency_key": idempotency_key})
    except stripe.CardError as exc:
        logger.info("card declined on %s: %s", intent_id, exc)
        return IntentResult(id=intent_id, status="failed", failure=exc.user_message or "The card was declined.")
    except stripe.StripeError as exc:
        raise _translate(exc, operation="confirm_intent", default_field="payment_method") from exc
    return _result(intent)


def retrieve_intent(*, intent_id: str) -> IntentResult:
    try:
        return _result(_client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as exc:
        raise _translate(exc, operation="retrieve_intent", default_field="payment_intent") from exc


def cancel_intent(*, intent_id: str) -> IntentResult:
    """Cancels an unfinished intent. When it can no longer be cancelled (it succeeded or was
    cancelled meanwhile), returns its current state instead."""
    try:
        return _result(_client().v1.payment_intents.cancel(intent_id))
    except stripe.InvalidRequestError as exc:
        logger.info("intent %s not cancellable: %s", intent_id, exc)
        return retrieve_intent(intent_id=intent_id)
    except stripe.StripeError as exc:
        raise _translate(exc, operation="cancel_intent", default_field="payment_intent") from exc


def charge(*, amount: Decimal, currency: str, payment_method: str, idempotency_key: str, metadata: dict,
           customer: str | None = None) -> IntentResult:
    """Creates and confirms a PaymentIntent in one go (callers that need no crash recovery)."""
    intent = create_intent(amount=amount, currency=currency, payment_method=payment_method,
                           idempotency_key=idempotency_key, metadata=metadata, customer=customer)
    return confirm_intent(intent_id=intent.id, idempotency_key=f"{idempotency_key}:confirm")


def refund(*, payment_intent: str, amount: Decimal, idempotency_key: str) -> str:
    try:
        result = _client().v1.refunds.create(params={"payment_intent": payment_intent, "amount": to_cents(amount)},
                                             options={"idempotency_key": idempotency_key})
    except stripe.StripeError as exc:
        raise _translate(exc, operation="refund", default_field="amount") from exc
    return result.id


def parse_webhook(*, payload: bytes, signature: str) -> None:
    """Verifies the signature on the raw body and the timestamp (old deliveries refused); raises
    stripe.SignatureVerificationError. The body is parsed by the caller."""
    stripe.WebhookSignature.verify_header(payload.decode("utf-8", errors="replace"), signature,
                                          settings.STRIPE_WEBHOOK_SECRET, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE)
