"""Stripe webhooks: one URL for the platform (/webhooks/stripe). The signature is verified on
the raw body (stale timestamps refused); the tenant comes from the PaymentIntent's metadata,
written by us when we created it; each event id is applied once in that tenant."""
import json
import logging

import stripe
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import get_tenant_model, schema_context, tenant_context

from contexts.finance.gateways import stripe_gateway

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    payload = request.body
    try:
        stripe_gateway.parse_webhook(payload=payload, signature=request.headers.get("Stripe-Signature", ""))
    except (ValueError, stripe.SignatureVerificationError) as exc:
        return JsonResponse({"error": {"code": "invalid_signature", "message": str(exc)[:200]}}, status=400)
    data = json.loads(payload)
    obj = (data.get("data") or {}).get("object") or {}
    schema = (obj.get("metadata") or {}).get("tenant")
    with schema_context("public"):
        tenant = get_tenant_model().objects.filter(schema_name=schema).exclude(schema_name="public").first() if schema else None
    if tenant is None:
        logger.warning("stripe event %s for no known tenant (%s)", data.get("id"), schema)
        return JsonResponse({"status": "ignored"})
    from contexts.finance.services import payments

    with tenant_context(tenant):
        outcome = payments.apply_stripe_event(event_id=data["id"], event_type=data["type"],
                                              created=int(data.get("created", 0)), obj=obj)
    return JsonResponse({"status": outcome})


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The Stripe-Signature header for a payload (tests, and replaying events by hand)."""
    import hashlib
    import hmac

    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


