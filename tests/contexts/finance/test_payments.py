"""Payments by card through the official stripe library against localstripe on loopback, by
transfer, cheque and cash; allocation, partial payments, refunds; signed webhooks."""
import json
import time
from decimal import Decimal as D

import pytest
from django.test import Client as HttpClient

from contexts.finance.models import Payment, StripeEvent
from contexts.finance.services import payments
from contexts.finance.webhooks import sign
from crm.models import OutboxEvent
from crm.rest.errors import InvalidInput
from tests.factories.finance import issued_invoice

def declining_card(stripe_api) -> str:
    """A payment method whose charge localstripe declines (Stripe's test card ...0341)."""
    import stripe

    client = stripe.StripeClient("sk_test_comptoir", base_addresses={"api": stripe_api})
    return client.v1.payment_methods.create(params={"type": "card", "card": {
        "number": "4000000000000341", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}).id


def test_partial_transfers_settle_the_oldest_invoices_first(seller):
    first = issued_invoice()
    second = issued_invoice(client=None)
    p = payments.record_payment(client_id=first.client_id, method="transfer", amount="50.00", reference="VIR 123")
    assert payments.invoice_balance(first) == D("45.00")
    payments.record_payment(client_id=first.client_id, method="cheque", amount="60.00", reference="CHQ 9")
    assert payments.invoice_balance(first) == D("0.00")
    assert payments.invoice_balance(second) == D("95.00")  # another client's invoice
    assert OutboxEvent.objects.filter(name="finance.payment.received.v1").count() == 2
    assert p.allocations.get().amount == D("50.00")


def test_manual_payment_input_is_checked(seller):
    invoice = issued_invoice()
    with pytest.raises(InvalidInput) as err:
        payments.record_payment(client_id=invoice.client_id, method="stripe", amount="10")
    assert err.value.field == "method"
    with pytest.raises(InvalidInput) as err:
        payments.record_payment(client_id=invoice.client_id, method="cash", amount="-3")
    assert err.value.field == "amount"


def test_card_payment_through_stripe_is_idempotent(seller, stripe_api):
    invoice = issued_invoice()
    first = payments.pay_by_card(client_id=invoice.client_id, amount=invoice.total_gross, payment_method="pm_card_visa",
                                 idempotency_key="checkout-42", invoice_ids=[invoice.id]).payment
    assert first.status == "succeeded" and first.stripe_payment_intent.startswith("pi_")
    again = payments.pay_by_card(client_id=invoice.client_id, amount=invoice.total_gross, payment_method="pm_card_visa",
                                 idempotency_key="checkout-42", invoice_ids=[invoice.id]).payment
    assert again.pk == first.pk and Payment.objects.count() == 1
    assert payments.invoice_balance(invoice) == D("0.00")
    refund = payments.refund_payment(payment_id=first.pk, amount="20.00", reason="retour partiel")
    assert refund.stripe_refund_id.startswith("re_")
    with pytest.raises(InvalidInput):
        payments.refund_payment(payment_id=first.pk, amount="80.00")


def test_a_declined_card_is_a_402_and_publishes_rejected(seller, stripe_api, api):
    invoice = issued_invoice()
    with pytest.raises(payments.PaymentDeclined):
        payments.pay_by_card(client_id=invoice.client_id, amount="10.00", payment_method=declining_card(stripe_api),
                             idempotency_key="k-declined")
    payment = Payment.objects.get(idempotency_key="k-declined")
    assert payment.status == "failed"
    assert OutboxEvent.objects.filter(name="finance.payment.rejected.v1").exists()
    assert payments.invoice_balance(invoice) == invoice.total_gross


# --- webhooks ----------------------------------------------------------------------------------

def _event(event_id, event_type, payment, created=None):
    return {"id": event_id, "type": event_type, "created": created or int(time.time()),
            "data": {"object": {"id": payment.stripe_payment_intent or "pi_test", "object": "payment_intent",
                                "metadata": {"tenant": "alpha", "payment_id": str(payment.pk)}}}}


def _post(body: dict, *, secret=None, timestamp=None, host="localhost"):
    from django.conf import settings
    from django.db import connection

    secret = secret or settings.STRIPE_WEBHOOK_SECRET
    payload = json.dumps(body).encode()
    header = sign(payload, secret, timestamp or int(time.time()))
    active = connection.tenant
    try:
        return HttpClient(SERVER_NAME=host).post("/webhooks/stripe", data=payload, content_type="application/json",
                                                 HTTP_STRIPE_SIGNATURE=header)
    finally:
        connection.set_tenant(active)  # the request ran on the platform host


@pytest.fixture
def pending(seller):
    invoice = issued_invoice()
    payment = Payment.objects.create(client_id=invoice.client_id, method="stripe", amount=invoice.total_gross,
                                     stripe_payment_intent="pi_webhook_1")
    return invoice, payment


def test_a_signed_webhook_replayed_twice_has_one_effect(pending):
    invoice, payment = pending
    body = _event("evt_1", "payment_intent.succeeded", payment)
    assert _post(body).json() == {"status": "succeeded"}
    assert _post(body).json() == {"status": "duplicate"}
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.allocations.count() == 1
    assert OutboxEvent.objects.filter(name="finance.payment.received.v1").count() == 1
    assert payments.invoice_balance(invoice) == D("0.00")


def test_a_wrong_signature_gets_400_and_changes_nothing(pending):
    _, payment = pending
    response = _post(_event("evt_2", "payment_intent.succeeded", payment), secret="whsec_attacker")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_signature"
    payment.refresh_from_db()
    assert payment.status == "pending" and not StripeEvent.objects.exists()


def test_an_old_timestamp_is_refused(pending):
    _, payment = pending
    response = _post(_event("evt_3", "payment_intent.succeeded", payment), timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_out_of_order_events_do_not_go_back_in_time(pending):
    _, payment = pending
    now = int(time.time())
    assert _post(_event("evt_late", "payment_intent.succeeded", payment, created=now)).json()["status"] == "succeeded"
    assert _post(_event("evt_early", "payment_intent.payment_failed", payment, created=now - 30)).json()["status"] == "stale"
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_an_event_for_another_tenant_never_touches_this_one(pending, other_tenant):
    _, payment = pending
    body = _event("evt_beta", "payment_intent.succeeded", payment)
    body["data"]["object"]["metadata"]["tenant"] = "beta"
    response = _post(body)  # beta has no such payment: not recorded, Stripe is asked to deliver it again
    assert response.status_code == 409 and response.json()["error"]["code"] == "payment_not_found"
    payment.refresh_from_db()
    assert payment.status == "pending" and not StripeEvent.objects.exists()


def test_an_event_before_its_payment_is_redelivered_until_the_payment_exists(seller):
    """Stripe's event for a payment this tenant does not have yet is not used up: the answer is
    non-2xx (Stripe redelivers), and the redelivery applies it once the payment is there."""
    import uuid

    invoice = issued_invoice()
    payment_id = uuid.uuid4()
    body = {"id": "evt_early_bird", "type": "payment_intent.succeeded", "created": int(time.time()),
            "data": {"object": {"id": "pi_not_yet", "object": "payment_intent",
                                "metadata": {"tenant": "alpha", "payment_id": str(payment_id)}}}}
    first = _post(body)
    assert first.status_code == 409 and first.json()["error"]["code"] == "payment_not_found"
    assert not StripeEvent.objects.exists()
    Payment.objects.create(id=payment_id, client_id=invoice.client_id, method="stripe", amount=invoice.total_gross)
    assert _post(body).json() == {"status": "succeeded"}
    assert _post(body).json() == {"status": "duplicate"}
    assert Payment.objects.get(pk=payment_id).status == "succeeded"
    assert OutboxEvent.objects.filter(name="finance.payment.received.v1").count() == 1


@pytest.mark.parametrize("body", [[], {"type": "payment_intent.succeeded"}, {"id": 3, "type": "x"}, "text"])
def test_a_signed_body_that_is_no_event_is_a_400(seller, body):
    response = _post(body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
