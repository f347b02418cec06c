"""The card processor is never called with a transaction open or a row locked (real commits:
pytest's wrapping transaction would hide it). Every function of the Stripe gateway is wrapped
by a probe that fails when the calling thread's connection is inside an atomic block."""
import functools
import uuid

import pytest
from django.db import connection

from contexts.commercial.models import Order
from contexts.commercial.services import carts, checkout, orders
from contexts.finance.gateways import stripe_gateway
from contexts.finance.models import Invoice, Payment, Refund
from tests.factories import commercial as f

pytestmark = pytest.mark.committed

COMMITTED_AT_REFUND: list[tuple[int, int]] = []
GATEWAY_CALLS = ["create_intent", "confirm_intent", "retrieve_intent", "cancel_intent", "refund", "charge"]


@pytest.fixture
def probed_gateway(monkeypatch):
    calls = []
    for name in GATEWAY_CALLS:
        real = getattr(stripe_gateway, name)

        def probe(*args, _real=real, _name=name, **kwargs):
            calls.append((_name, connection.in_atomic_block))
            if _name == "refund":  # what is committed when the refund leaves: its credit note and its row
                COMMITTED_AT_REFUND.append((Invoice.objects.filter(kind="credit_note").count(), Refund.objects.count()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(stripe_gateway, name, functools.wraps(real)(probe))
    return calls


def test_the_card_processor_is_called_with_no_transaction_open(committed_tenant, stripe_api, probed_gateway, settings):
    from tests.contexts.commercial.test_checkout_payments import three_d_secure_card
    from contexts.commercial import tasks

    # A paid checkout, its cancellation (refund), a return (refund), a 3-D Secure checkout and
    # the job giving it up.
    c = f.customer()
    session = uuid.uuid4().hex
    v = f.stocked_variant(units=5, price="40.00")
    carts.add_item(session_id=session, variant_id=v.id, quantity=1, customer_id=c.id)
    paid = checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="probe-1")
    assert paid.status == "paid"
    orders.set_status(order_id=paid.id, status="cancelled", note="probe")

    session_r = uuid.uuid4().hex
    carts.add_item(session_id=session_r, variant_id=v.id, quantity=1, customer_id=c.id)
    returned = checkout.checkout(session_id=session_r, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="probe-r")
    orders.set_status(order_id=returned.id, status="preparing")
    orders.set_status(order_id=returned.id, status="shipped")
    orders.order_return(order_id=returned.id, lines=[{"variant_id": str(v.id), "quantity": 1}], reason="probe")
    assert Order.objects.get(pk=returned.id).status == "returned"

    session2 = uuid.uuid4().hex
    carts.add_item(session_id=session2, variant_id=v.id, quantity=1, customer_id=c.id)
    pending = checkout.checkout(session_id=session2, customer_id=c.id, payment_method=three_d_secure_card(stripe_api),
                                idempotency_key="probe-2")
    assert pending.status == "placed"
    import datetime

    late = Order.objects.get(pk=pending.pk).created_at + datetime.timedelta(seconds=settings.PAYMENT_ACTION_TIMEOUT_SECONDS + 1)
    assert tasks.reconcile_placed_orders(now=late.isoformat())["cancelled"] == 1

    names = {name for name, _ in probed_gateway}
    assert {"create_intent", "confirm_intent", "refund", "retrieve_intent", "cancel_intent"} <= names, probed_gateway
    assert [call for call in probed_gateway if call[1]] == [], "the processor was called inside a transaction"
    assert sum(1 for name, _ in probed_gateway if name == "refund") == 2
    # the cancellation, then the return: each refund left after its credit note and itself were committed
    assert COMMITTED_AT_REFUND[-2:] == [(1, 1), (2, 2)]
    assert Payment.objects.filter(status="succeeded").count() == 2
