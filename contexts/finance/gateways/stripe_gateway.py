"""Stripe, through the official library. Amounts cross this border in cents."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings


@dataclass(frozen=True)
class IntentResult:
    id: str
    status: str            # succeeded, requires_payment_method, processing, ...
    failure: str = ""


class StripeUnavailable(Exception):
    """Stripe did not answer (network, 5xx): the caller may retry with the same key."""


def _client() -> stripe.StripeClient:
    kwargs = {}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, max_network_retries=1, **kwargs)


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def create_customer(*, email: str, name: str, payment_method: str) -> str:
    try:
        customer = _client().v1.customers.create(params={"email": email, "name": name})
        _client().v1.payment_methods.attach(payment_method, params={"customer": customer.id})
    except (stripe.APIConnectionError, stripe.APIError) as exc:
        raise StripeUnavailable(str(exc)) from exc
    return customer.id


def charge(*, amount: Decimal, currency: str, payment_method: str, idempotency_key: str, metadata: dict,
           customer: str | None = None) -> IntentResult:
    """Creates and confirms a PaymentIntent. The idempotency key makes a retried call return
    the first intent instead of charging again."""
    try:
        intent = _client().v1.payment_intents.create(
            params={"amount": to_cents(amount), "currency": currency.lower(), "payment_method": payment_method,
                    "confirm": True, "metadata": metadata, "payment_method_types": ["card"],
                    **({"customer": customer} if customer else {})},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.CardError as exc:
        try:
            intent_id = exc.error.payment_intent["id"]
        except (AttributeError, KeyError, TypeError):
            intent_id = ""
        return IntentResult(id=intent_id, status="failed", failure=exc.user_message or str(exc))
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise StripeUnavailable(str(exc)) from exc
    except stripe.APIError as exc:
        raise StripeUnavailable(str(exc)) from exc
    failure = ""
    if intent.status != "succeeded":
        error = intent.get("last_payment_error") or {}
        failure = error.get("message", intent.status) if hasattr(error, "get") else intent.status
    return IntentResult(id=intent.id, status=intent.status, failure=failure)


def refund(*, payment_intent: str, amount: Decimal, idempotency_key: str) -> str:
    try:
        result = _client().v1.refunds.create(params={"payment_intent": payment_intent, "amount": to_cents(amount)},
                                          options={"idempotency_key": idempotency_key})
    except (stripe.APIConnectionError, stripe.APIError) as exc:
        raise StripeUnavailable(str(exc)) from exc
    return result.id


def parse_webhook(*, payload: bytes, signature: str):
    """Verifies the signature on the raw body and the timestamp (old deliveries refused)."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET,
                                          tolerance=settings.STRIPE_WEBHOOK_TOLERANCE)
