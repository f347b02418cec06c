"""The checkout and the card processor: 3-D Secure and other unfinished payments, the reconcile
job, Stripe's errors, Idempotency-Key replays, and staff cancelling orders. Against localstripe
on loopback (its 3-D Secure card 4000002500003155 answers requires_action)."""
import datetime
import uuid
from types import SimpleNamespace
from decimal import Decimal as D

import pytest
import stripe

from contexts.commercial.models import Cart, Order
from contexts.commercial.services import carts, checkout
from contexts.finance.models import Invoice, Payment, Refund, StripeEvent
from contexts.finance.services import payments
from contexts.inventory.models import StockItem
from crm import eventbus
from crm.models import OutboxEvent
from tests.conftest import make_api_client
from tests.factories import commercial as f


def _card(stripe_api, number: str) -> str:
    client = stripe.StripeClient("sk_test_comptoir_tests", base_addresses={"api": stripe_api})
    return client.v1.payment_methods.create(params={"type": "card", "card": {
        "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}).id


def three_d_secure_card(stripe_api) -> str:
    return _card(stripe_api, "4000002500003155")


def _authenticate(stripe_api, intent_id: str, client_secret: str, *, success=True) -> None:
    """What Stripe.js does in the customer's browser: 3-D Secure passed (or failed)."""
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode({"client_secret": client_secret, "success": "true" if success else "false"}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{stripe_api}/v1/payment_intents/{intent_id}/_authenticate",
                                                  data=body, headers={"Authorization": "Bearer sk_test_comptoir_tests"}))


def _intent(stripe_api, intent_id: str) -> dict:
    client = stripe.StripeClient("sk_test_comptoir_tests", base_addresses={"api": stripe_api})
    return client.v1.payment_intents.retrieve(intent_id).to_dict()


def _ready(customer, *, units=3, quantity=1, price="30.00"):
    session = uuid.uuid4().hex
    variant = f.stocked_variant(units=units, price=price)
    carts.add_item(session_id=session, variant_id=variant.id, quantity=quantity, customer_id=customer.id)
    return session, variant


def _shop(tenant, customer):
    shop = make_api_client(tenant)
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {f.customer_token(customer)}")
    return shop


def _run_subscribers(event_name: str) -> None:
    """What the worker does after commit: every subscriber of the event's outbox rows."""
    for row in OutboxEvent.objects.filter(name=event_name):
        for sub in eventbus.subscribers_of(event_name):
            eventbus.handle(event_id=row.id, subscriber_name=sub.name)


# --- 3-D Secure -------------------------------------------------------------------------------

def test_a_card_that_needs_3ds_keeps_the_order_placed_then_a_retry_with_the_key_pays_it_once(tenant, stripe_api):
    c = f.customer()
    session, variant = _ready(c)
    card = three_d_secure_card(stripe_api)
    shop = _shop(tenant, c)
    first = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": card}, format="json",
                      HTTP_IDEMPOTENCY_KEY="3ds-1")
    assert first.status_code == 202, first.content
    body = first.json()
    assert body["status"] == "placed" and body["invoice_number"] == ""
    assert body["payment"]["status"] == "pending" and body["payment"]["intent_status"] == "requires_action"
    assert body["payment"]["client_secret"] and body["payment"]["next_action"]["type"] == "use_stripe_sdk"
    assert StockItem.objects.get(variant_id=variant.id).reserved == 1  # held while the customer authenticates
    assert not Invoice.objects.exists()

    payment = Payment.objects.get()
    _authenticate(stripe_api, payment.stripe_payment_intent, body["payment"]["client_secret"])
    again = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": card}, format="json",
                      HTTP_IDEMPOTENCY_KEY="3ds-1")
    assert again.status_code == 201 and again.json()["status"] == "paid" and again.json()["id"] == body["id"]
    assert again.json()["payment"]["client_secret"] == ""
    twice = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": card}, format="json",
                      HTTP_IDEMPOTENCY_KEY="3ds-1")
    assert twice.status_code == 201 and twice.json()["invoice_number"] == again.json()["invoice_number"]
    item = StockItem.objects.get(variant_id=variant.id)
    assert (item.on_hand, item.reserved) == (2, 0)
    assert Invoice.objects.filter(kind="invoice").count() == 1 and Payment.objects.get().status == "succeeded"


def test_the_signed_webhook_pays_a_3ds_order_exactly_once(tenant, stripe_api):
    from tests.contexts.finance.test_payments import _post
    from tests.factories.finance import issued_invoice

    c = f.customer()
    session, variant = _ready(c)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method=three_d_secure_card(stripe_api),
                              idempotency_key="3ds-hook")
    assert order.status == "placed" and order.card_payment.intent_status == "requires_action"
    payment = Payment.objects.get()
    older = issued_invoice(client=SimpleNamespace(id=order.client_id))  # an open invoice of the same client
    _authenticate(stripe_api, payment.stripe_payment_intent, order.card_payment.client_secret)
    event = {"id": "evt_3ds_ok", "type": "payment_intent.succeeded", "created": 1_900_000_000,
             "data": {"object": {"id": payment.stripe_payment_intent, "object": "payment_intent",
                                 "metadata": {"tenant": "alpha", "payment_id": str(payment.pk)}}}}
    assert _post(event, timestamp=None).json() == {"status": "succeeded"}
    assert _post(event).json() == {"status": "duplicate"}
    _run_subscribers("finance.payment.received.v1")  # the worker's part: commercial pays the order
    _run_subscribers("finance.payment.received.v1")  # redelivered: nothing more
    order.refresh_from_db()
    assert order.status == "paid" and order.invoice_number.startswith("FA-")
    invoice = Invoice.objects.get(number=order.invoice_number)
    assert payments.invoice_balance(invoice) == D("0.00")  # the webhook's payment settles the order's invoice...
    assert payments.invoice_balance(older) == older.total_gross  # ...and no other
    # The customer's retry with the key now sees the paid order; nothing is charged or invoiced again.
    assert checkout.checkout(session_id=session, customer_id=c.id, payment_method=payment.stripe_payment_method,
                             idempotency_key="3ds-hook").status == "paid"
    assert Invoice.objects.filter(kind="invoice", order_id=order.id).count() == 1
    assert OutboxEvent.objects.filter(name="commercial.order.paid.v1").count() == 1
    assert StockItem.objects.get(variant_id=variant.id).on_hand == 2


def test_a_failed_authentication_cancels_the_order_and_releases_its_stock(tenant, stripe_api):
    from tests.contexts.finance.test_payments import _post

    c = f.customer()
    session, variant = _ready(c)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method=three_d_secure_card(stripe_api),
                              idempotency_key="3ds-ko")
    payment = Payment.objects.get()
    _authenticate(stripe_api, payment.stripe_payment_intent, order.card_payment.client_secret, success=False)
    event = {"id": "evt_3ds_ko", "type": "payment_intent.payment_failed", "created": 1_900_000_000,
             "data": {"object": {"id": payment.stripe_payment_intent, "object": "payment_intent",
                                 "last_payment_error": {"message": "authentication failed"},
                                 "metadata": {"tenant": "alpha", "payment_id": str(payment.pk)}}}}
    assert _post(event).json() == {"status": "failed"}
    _run_subscribers("finance.payment.rejected.v1")
    order.refresh_from_db()
    assert order.status == "cancelled" and StockItem.objects.get(variant_id=variant.id).reserved == 0


def test_the_reconcile_job_cancels_an_unauthenticated_order_after_the_delay(tenant, stripe_api, settings):
    from contexts.commercial import tasks

    c = f.customer()
    session, variant = _ready(c)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method=three_d_secure_card(stripe_api),
                              idempotency_key="3ds-late")
    placed_at = Order.objects.get(pk=order.pk).created_at
    early = placed_at + datetime.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS + 5)
    assert tasks.reconcile_placed_orders(now=early.isoformat()) == {"paid": 0, "cancelled": 0, "pending": 1}
    assert Order.objects.get(pk=order.pk).status == "placed"
    late = placed_at + datetime.timedelta(seconds=settings.PAYMENT_ACTION_TIMEOUT_SECONDS + 5)
    assert tasks.reconcile_placed_orders(now=late.isoformat()) == {"paid": 0, "cancelled": 1, "pending": 0}
    order.refresh_from_db()
    payment = Payment.objects.get()
    assert order.status == "cancelled" and payment.status == "failed"
    assert StockItem.objects.get(variant_id=variant.id).reserved == 0
    assert _intent(stripe_api, payment.stripe_payment_intent)["status"] == "canceled"  # no money can come now
    assert tasks.reconcile_placed_orders(now=late.isoformat()) == {"paid": 0, "cancelled": 0, "pending": 0}


def test_a_3ds_payment_outside_an_order_is_a_202_and_the_finance_job_gives_it_up(tenant, stripe_api, settings, seller):
    from contexts.finance import tasks
    from tests.factories.core import StaffFactory
    from tests.factories.finance import issued_invoice

    invoice = issued_invoice()
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role="accountant"))
    response = api.post("/api/v1/payments/card/", {"client_id": str(invoice.client_id), "amount": "95.00",
                                                   "payment_method": three_d_secure_card(stripe_api)},
                        format="json", HTTP_IDEMPOTENCY_KEY="3ds-invoice")
    assert response.status_code == 202 and response.json()["intent_status"] == "requires_action"
    payment = Payment.objects.get()
    later = payment.created_at + datetime.timedelta(seconds=settings.PAYMENT_ACTION_TIMEOUT_SECONDS + 5)
    assert tasks.reconcile_card_payments(now=later.isoformat()) == 1
    payment.refresh_from_db()
    assert payment.status == "failed" and payments.invoice_balance(invoice) == invoice.total_gross


# --- a crash between the charge and its recording -----------------------------------------------

def test_a_charge_whose_answer_was_lost_is_paid_by_the_reconcile_job_exactly_once(tenant, stripe_api, monkeypatch, settings):
    from contexts.commercial import tasks
    from contexts.finance.gateways import stripe_gateway

    c = f.customer()
    session, variant = _ready(c)
    real_confirm = stripe_gateway.confirm_intent

    def confirm_then_die(**kw):
        real_confirm(**kw)  # Stripe charged the card...
        raise SystemExit("web process killed")  # ...and the process died before recording it

    monkeypatch.setattr(stripe_gateway, "confirm_intent", confirm_then_die)
    with pytest.raises(SystemExit):
        checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="crash-1")
    monkeypatch.undo()
    order = Order.objects.get(idempotency_key="crash-1")
    assert order.status == "placed" and Payment.objects.get().status == "pending"
    assert StockItem.objects.get(variant_id=variant.id).reserved == 1

    now = order.created_at + datetime.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS + 1)
    assert tasks.reconcile_placed_orders(now=now.isoformat())["paid"] == 1
    assert tasks.reconcile_placed_orders(now=now.isoformat())["paid"] == 0
    _run_subscribers("finance.payment.received.v1")  # the event's subscriber finds it paid already
    order.refresh_from_db()
    assert order.status == "paid" and Invoice.objects.filter(kind="invoice").count() == 1
    assert Payment.objects.get().status == "succeeded" and StockItem.objects.get(variant_id=variant.id).on_hand == 2


def test_an_order_whose_payment_never_started_is_cancelled_after_the_delay(tenant, stripe_api, monkeypatch, settings):
    from contexts.commercial import tasks
    from contexts.finance.gateways import stripe_gateway

    c = f.customer()
    session, variant = _ready(c)

    def unreachable(**kw):
        raise stripe_gateway.StripeUnavailable("APIConnectionError")

    monkeypatch.setattr(stripe_gateway, "create_intent", unreachable)
    shop = _shop(tenant, c)
    down = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="down-1")
    assert down.status_code == 503 and down.json()["error"]["code"] == "payment_unavailable"
    order = Order.objects.get(idempotency_key="down-1")
    assert order.status == "placed" and StockItem.objects.get(variant_id=variant.id).reserved == 1  # retriable
    monkeypatch.undo()
    late = order.created_at + datetime.timedelta(seconds=settings.PAYMENT_ACTION_TIMEOUT_SECONDS + 1)
    assert tasks.reconcile_placed_orders(now=late.isoformat())["cancelled"] == 1
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert StockItem.objects.get(variant_id=variant.id).reserved == 0
    assert Payment.objects.get().status == "failed"


def test_a_retry_after_503_finishes_the_same_order(tenant, stripe_api, monkeypatch):
    from contexts.finance.gateways import stripe_gateway

    c = f.customer()
    session, variant = _ready(c)
    monkeypatch.setattr(stripe_gateway, "create_intent",
                        lambda **kw: (_ for _ in ()).throw(stripe_gateway.StripeUnavailable("RateLimitError")))
    with pytest.raises(payments.PaymentUnavailable):
        checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="retry-1")
    monkeypatch.undo()
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="retry-1")
    assert order.status == "paid" and Order.objects.count() == 1 and Payment.objects.count() == 1


# --- Stripe's errors -----------------------------------------------------------------------------

def test_an_unknown_payment_method_is_a_400_naming_it_and_leaves_nothing_half_done(tenant, stripe_api):
    c = f.customer()
    session, variant = _ready(c)
    shop = _shop(tenant, c)
    response = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_does_not_exist"},
                         format="json", HTTP_IDEMPOTENCY_KEY="bad-pm")
    assert response.status_code == 400, response.content
    assert "payment_method" in response.json()["error"]["fields"]
    assert "No such" not in response.content.decode()  # never Stripe's own text
    assert Order.objects.get().status == "cancelled" and Payment.objects.get().status == "failed"
    assert StockItem.objects.get(variant_id=variant.id).reserved == 0
    assert Cart.objects.get(session_id=session).status == "open"  # the customer can try another card


def test_an_unknown_payment_method_on_the_card_endpoint_is_a_400(tenant, stripe_api, seller):
    from tests.factories.core import StaffFactory
    from tests.factories.finance import issued_invoice

    invoice = issued_invoice()
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role="accountant"))
    response = api.post("/api/v1/payments/card/", {"client_id": str(invoice.client_id), "amount": "10.00",
                                                   "payment_method": "pm_does_not_exist"},
                        format="json", HTTP_IDEMPOTENCY_KEY="bad-pm-card")
    assert response.status_code == 400 and "payment_method" in response.json()["error"]["fields"]
    assert Payment.objects.get().status == "failed"  # not pending without an intent


def _raiser(exc):
    def boom(*args, **kwargs):
        raise exc
    return boom


STRIPE_ERRORS = [
    (stripe.InvalidRequestError("No such PaymentMethod: 'pm_x'", param="payment_method", code="resource_missing",
                                http_status=404), 400, "payment_method"),
    (stripe.InvalidRequestError("Invalid currency: xyz", param="currency"), 400, "currency"),
    (stripe.IdempotencyError("Keys for idempotent requests can only be used with the same parameters"), 422,
     "Idempotency-Key"),
    (stripe.RateLimitError("Too many requests secret-host.internal"), 503, None),
    (stripe.APIConnectionError("Could not connect to api.stripe.com (retry 1)"), 503, None),
    (stripe.AuthenticationError("Invalid API Key provided: sk_live_****"), 503, None),
    (stripe.PermissionError("The provided key does not have access"), 503, None),
    (stripe.APIError("Internal server error req_123"), 503, None),
    (stripe.StripeError("Something else"), 503, None),
]


@pytest.mark.parametrize("exc,status,field", STRIPE_ERRORS, ids=[type(e[0]).__name__ + (f"-{e[2]}" if e[2] else "") for e in STRIPE_ERRORS])
def test_every_stripe_error_of_a_charge_is_a_clear_4xx_or_503(tenant, stripe_api, monkeypatch, exc, status, field, seller):
    from tests.factories.core import StaffFactory
    from tests.factories.finance import issued_invoice

    _fail_stripe(monkeypatch, exc)
    invoice = issued_invoice()
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role="accountant"))
    response = api.post("/api/v1/payments/card/", {"client_id": str(invoice.client_id), "amount": "10.00",
                                                   "payment_method": "pm_card_visa"},
                        format="json", HTTP_IDEMPOTENCY_KEY=f"err-{status}-{field}")
    assert response.status_code == status, response.content
    error = response.json()["error"]
    if field:
        assert field in error["fields"]
    assert str(exc) not in response.content.decode() and "stripe" not in error["message"].lower()
    payment = Payment.objects.get()
    # 4xx: closed as failed; 503: pending, without an intent, for a retry with the key or the job.
    assert payment.status == ("pending" if status == 503 else "failed")


def _fail_stripe(monkeypatch, exc):
    """Every call of the Stripe client raises `exc`, as the library does for that error."""
    from types import SimpleNamespace

    from contexts.finance.gateways import stripe_gateway

    monkeypatch.setattr(stripe_gateway, "_client", lambda: SimpleNamespace(v1=_FailingV1(exc)))


class _FailingV1:
    def __init__(self, exc):
        self.payment_intents = self.refunds = self.customers = self.payment_methods = self
        self.exc = exc

    def __getattr__(self, name):
        return _raiser(self.exc)

    def create(self, *args, **kwargs):
        raise self.exc


@pytest.mark.parametrize("exc,status,field", [
    (stripe.InvalidRequestError("Refund amount exceeds charge", param="amount"), 400, "amount"),
    (stripe.APIConnectionError("Could not connect to api.stripe.com"), 503, None),
    (stripe.RateLimitError("slow down"), 503, None),
    (stripe.StripeError("odd"), 503, None),
])
def test_every_stripe_error_of_a_refund_undoes_the_refund(tenant, stripe_api, monkeypatch, exc, status, field, seller):
    from tests.factories.core import StaffFactory
    from tests.factories.finance import issued_invoice

    invoice = issued_invoice()
    paid = payments.pay_by_card(client_id=invoice.client_id, amount="20.00", payment_method="pm_card_visa",
                                idempotency_key="to-refund").payment
    _fail_stripe(monkeypatch, exc)
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role="accountant"))
    response = api.post(f"/api/v1/payments/{paid.pk}/refunds/", {"amount": "5.00"}, format="json")
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["error"]["fields"]
    assert str(exc) not in response.content.decode()
    paid.refresh_from_db()
    assert paid.refunded_amount == D("0.00") and not Refund.objects.exists()


# --- Idempotency-Key replays ----------------------------------------------------------------------

def test_a_key_replayed_with_another_cart_is_a_422_and_the_second_cart_is_untouched(tenant, stripe_api):
    c = f.customer()
    first_session, _ = _ready(c)
    shop = _shop(tenant, c)
    paid = shop.post("/api/v1/orders/checkout", {"session_id": first_session, "payment_method": "pm_card_visa"},
                     format="json", HTTP_IDEMPOTENCY_KEY="same-key")
    assert paid.status_code == 201
    second_session, other = _ready(c, price="12.00")
    replay = shop.post("/api/v1/orders/checkout", {"session_id": second_session, "payment_method": "pm_card_visa"},
                       format="json", HTTP_IDEMPOTENCY_KEY="same-key")
    assert replay.status_code == 422 and "Idempotency-Key" in replay.json()["error"]["fields"]
    assert Cart.objects.get(session_id=second_session).status == "open"
    assert StockItem.objects.get(variant_id=other.id).reserved == 1
    other_body = shop.post("/api/v1/orders/checkout", {"session_id": first_session, "payment_method": "pm_card_mastercard"},
                           format="json", HTTP_IDEMPOTENCY_KEY="same-key")
    assert other_body.status_code == 422 and "Idempotency-Key" in other_body.json()["error"]["fields"]
    assert Order.objects.count() == 1 and Payment.objects.count() == 1


def test_a_card_payment_key_replayed_with_another_amount_is_a_422(tenant, stripe_api, seller):
    from tests.factories.finance import issued_invoice

    invoice = issued_invoice()
    payments.pay_by_card(client_id=invoice.client_id, amount="10.00", payment_method="pm_card_visa", idempotency_key="p-1")
    with pytest.raises(payments.IdempotencyKeyReused) as err:
        payments.pay_by_card(client_id=invoice.client_id, amount="11.00", payment_method="pm_card_visa", idempotency_key="p-1")
    assert err.value.field == "Idempotency-Key" and err.value.status_code == 422


# --- staff moves an order -------------------------------------------------------------------------

def test_cancelling_a_paid_order_refunds_credits_and_returns_the_stock(staff_api, stripe_api, seller):
    c = f.customer()
    session, variant = _ready(c, quantity=2)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="to-cancel")
    assert StockItem.objects.get(variant_id=variant.id).on_hand == 1
    response = staff_api.put(f"/api/v1/orders/{order.id}/status", {"status": "cancelled", "note": "client"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    payment = Payment.objects.get()
    assert payment.refunded_amount == payment.amount and Refund.objects.get().stripe_refund_id.startswith("re_")
    credit = Invoice.objects.get(kind="credit_note")
    assert credit.total_gross == Invoice.objects.get(kind="invoice").total_gross and credit.number
    assert StockItem.objects.get(variant_id=variant.id).on_hand == 3
    assert OutboxEvent.objects.filter(name="commercial.order.cancelled.v1").count() == 1
    again = staff_api.put(f"/api/v1/orders/{order.id}/status", {"status": "cancelled"}, format="json")
    assert again.status_code == 409 and "status" in again.json()["error"]["fields"]
    assert Refund.objects.count() == 1


def test_cancelling_a_placed_order_voids_its_payment_and_releases_the_stock(staff_api, stripe_api):
    c = f.customer()
    session, variant = _ready(c)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method=three_d_secure_card(stripe_api),
                              idempotency_key="placed-cancel")
    response = staff_api.put(f"/api/v1/orders/{order.id}/status", {"status": "cancelled"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    payment = Payment.objects.get()
    assert payment.status == "failed" and _intent(stripe_api, payment.stripe_payment_intent)["status"] == "canceled"
    assert StockItem.objects.get(variant_id=variant.id).reserved == 0


def test_status_moves_with_side_effects_elsewhere_are_refused_naming_status(staff_api, stripe_api):
    c = f.customer()
    session, _ = _ready(c)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="moves")
    for target in ("returned", "paid", "placed", "delivered"):
        response = staff_api.put(f"/api/v1/orders/{order.id}/status", {"status": target}, format="json")
        assert 400 <= response.status_code < 500 and "status" in response.json()["error"]["fields"], (target, response.content)
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_the_customer_downloads_the_invoice_of_a_paid_order(tenant, stripe_api, seller):
    from contexts.finance import documents

    c = f.customer()
    session, _ = _ready(c)
    shop = _shop(tenant, c)
    order = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"},
                      format="json", HTTP_IDEMPOTENCY_KEY="pdf-1").json()
    not_yet = shop.get(f"/api/v1/orders/{order['id']}/invoice.pdf")
    assert not_yet.status_code == 409 and not_yet["Retry-After"] == "5"  # the worker issues it after commit
    _run_subscribers("finance.payment.received.v1")  # the worker's part: the order's invoice is issued...
    number = Order.objects.get(pk=order["id"]).invoice_number
    assert shop.get(f"/api/v1/orders/{order['id']}/invoice.pdf").status_code == 409  # ...then rendered
    documents.render_document(invoice_id=Invoice.objects.get(number=number).id)
    pdf = shop.get(f"/api/v1/orders/{order['id']}/invoice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    stranger = _shop(tenant, f.customer())
    assert stranger.get(f"/api/v1/orders/{order['id']}/invoice.pdf").status_code == 404


def test_a_return_while_stripe_is_down_keeps_its_refund_pending_and_the_job_sends_it(tenant, stripe_api, seller,
                                                                                      monkeypatch, settings):
    from contexts.commercial.services import orders
    from contexts.finance import tasks
    from contexts.finance.gateways import stripe_gateway

    c = f.customer()
    session, variant = _ready(c, quantity=2)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="ret-down")
    orders.set_status(order_id=order.id, status="preparing")
    orders.set_status(order_id=order.id, status="shipped")
    real_refund = stripe_gateway.refund
    monkeypatch.setattr(stripe_gateway, "refund", _raiser(stripe_gateway.StripeUnavailable("APIConnectionError")))
    ret = orders.order_return(order_id=order.id, lines=[{"variant_id": str(variant.id), "quantity": 1}])
    assert ret.credit_note_number.startswith("AV-") and StockItem.objects.get(variant_id=variant.id).on_hand == 2
    refund = Refund.objects.get()
    assert refund.stripe_refund_id is None and refund.amount == D("30.00")  # recorded, not yet sent
    monkeypatch.setattr(stripe_gateway, "refund", real_refund)
    later = refund.created_at + datetime.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS + 1)
    assert tasks.reconcile_card_payments(now=later.isoformat()) == 1
    refund.refresh_from_db()
    assert refund.stripe_refund_id.startswith("re_")
    assert tasks.reconcile_card_payments(now=later.isoformat()) == 0


def test_an_idempotency_key_over_100_characters_is_a_400(tenant, stripe_api, seller):
    from tests.factories.core import StaffFactory
    from tests.factories.finance import issued_invoice

    c = f.customer()
    session, _ = _ready(c)
    long_key = "k" * 101
    checkout_response = _shop(tenant, c).post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"},
                                              format="json", HTTP_IDEMPOTENCY_KEY=long_key)
    assert checkout_response.status_code == 400 and "Idempotency-Key" in checkout_response.json()["error"]["fields"]
    invoice = issued_invoice()
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role="accountant"))
    card = api.post("/api/v1/payments/card/", {"client_id": str(invoice.client_id), "amount": "10.00",
                                               "payment_method": "pm_card_visa"}, format="json", HTTP_IDEMPOTENCY_KEY=long_key)
    assert card.status_code == 400 and "Idempotency-Key" in card.json()["error"]["fields"]
    assert not Order.objects.exists() and not Payment.objects.exists()


def test_a_processing_payment_keeps_the_order_placed_until_the_webhook(tenant, stripe_api, monkeypatch):
    """Stripe's `processing` (some cards, bank debits): a fake gateway answers it."""
    from contexts.finance.gateways import stripe_gateway

    c = f.customer()
    session, variant = _ready(c)
    monkeypatch.setattr(stripe_gateway, "confirm_intent",
                        lambda intent_id, **kw: stripe_gateway.IntentResult(id=intent_id, status="processing"))
    response = _shop(tenant, c).post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"},
                                     format="json", HTTP_IDEMPOTENCY_KEY="processing-1")
    assert response.status_code == 202 and response.json()["payment"]["intent_status"] == "processing"
    assert response.json()["status"] == "placed" and StockItem.objects.get(variant_id=variant.id).reserved == 1
    payment = Payment.objects.get()
    assert payments.apply_stripe_event(event_id="evt_processed", event_type="payment_intent.succeeded",
                                       created=1_900_000_000, obj={"id": payment.stripe_payment_intent}) == "succeeded"
    _run_subscribers("finance.payment.received.v1")
    assert Order.objects.get().status == "paid" and Invoice.objects.filter(kind="invoice").count() == 1


def test_staff_read_an_order_with_a_real_staff_token_and_customers_only_their_own(api, stripe_api, seller):
    """Order reads accept either kind of bearer token, each checked as its own kind (a staff JWT
    used to be refused there as "not a customer token")."""
    from tests.factories.core import StaffFactory

    c = f.customer()
    session, _ = _ready(c, quantity=1)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="read-1")
    StaffFactory(username="manon", role="manager", password="Une-phrase-longue-2026")
    token = api.post("/api/v1/auth/token/", {"username": "manon", "password": "Une-phrase-longue-2026"},
                     format="json").json()["access"]
    staff = api.get(f"/api/v1/orders/{order.id}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert staff.status_code == 200 and staff.json()["id"] == str(order.id)
    other = f.customer(email="autre@exemple.fr")
    stranger = api.get(f"/api/v1/orders/{order.id}", HTTP_AUTHORIZATION=f"Bearer {f.customer_token(other)}")
    assert stranger.status_code == 404
    owner = api.get(f"/api/v1/orders/{order.id}", HTTP_AUTHORIZATION=f"Bearer {f.customer_token(c)}")
    assert owner.status_code == 200
    assert api.get(f"/api/v1/orders/{order.id}", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
