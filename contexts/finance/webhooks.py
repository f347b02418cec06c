"""Stripe webhooks: one URL for the platform (/webhooks/stripe). The signature is verified on
the raw body (stale timestamps refused); the tenant comes from the PaymentIntent's metadata,
written by us when we created it; each event id is applied once in that tenant."""
import json
import logging

import stripe
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from contexts.finance.gateways import stripe_gateway
from contexts.finance.services import payments
from crm import tenancy

logger = logging.getLogger(__name__)


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    payload = request.body
    try:
        stripe_gateway.parse_webhook(payload=payload, signature=request.headers.get("Stripe-Signature", ""))
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("stripe webhook refused: %s", exc)
        return _error("invalid_signature", _("The Stripe-Signature header does not match the body."), 400)
    try:
        data = json.loads(payload)
    except ValueError:
        return _error("parse_error", _("The body is not JSON."), 400)
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
        return _error("validation_error", _("A Stripe event is an object with an id and a type."), 400)
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    obj = obj if isinstance(obj, dict) else {}
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    schema = metadata.get("tenant")
    if not tenancy.tenant_exists(schema):
        logger.warning("stripe event %s for no known tenant (%s)", data.get("id"), schema)
        return JsonResponse({"status": "ignored"})
    try:
        created = int(data.get("created") or 0)
    except (TypeError, ValueError):
        created = 0
    with tenancy.in_tenant(schema):
        outcome = payments.apply_stripe_event(event_id=data["id"][:100], event_type=data["type"][:100],
                                              created=created, obj=obj)
    if outcome == "unknown":
        # Not recorded: Stripe redelivers it (with backoff, for days) until the payment is there.
        logger.info("stripe event %s for a payment not (yet) known in %s: asking for a redelivery", data["id"], schema)
        return _error("payment_not_found", _("No payment matches this event yet; deliver it again later."), 409)
    return JsonResponse({"status": outcome})


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The Stripe-Signature header for a payload (tests, and replaying events by hand)."""
    import hashlib
    import hmac

    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


