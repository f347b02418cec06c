"""Real concurrent connections at the checkout: never oversell, never charge twice."""
import uuid

import pytest

from contexts.commercial.models import Cart, CartItem, Order
from contexts.commercial.services import checkout
from contexts.finance.models import Payment
from contexts.inventory.models import StockItem
from tests.concurrency import run_concurrently
from tests.factories import commercial as f

pytestmark = pytest.mark.committed


def test_thirty_checkouts_for_ten_units_place_ten_orders_and_charge_ten_times(committed_tenant, stripe_api):
    variant = f.stocked_variant(units=10, price="30.00")
    buyers = []
    for _ in range(30):
        # Carts whose holds have lapsed: every checkout must take its unit again, all at once.
        c = f.customer()
        cart = Cart.objects.create(session_id=uuid.uuid4().hex, customer_id=c.id)
        CartItem.objects.create(cart=cart, variant_id=variant.id, quantity=1)
        buyers.append((c, cart))

    def buy(i):
        c, cart = buyers[i]
        return checkout.checkout(session_id=cart.session_id, customer_id=c.id, payment_method="pm_card_visa",
                                 idempotency_key=f"checkout-{i}")

    results = run_concurrently(buy, 30, tenant=committed_tenant)
    orders = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if getattr(r, "code", "") == "insufficient_stock"]
    assert (len(orders), len(refused)) == (10, 20), [r for r in results if not isinstance(r, Order)][:3]
    assert Order.objects.filter(status="paid").count() == 10
    assert Payment.objects.filter(status="succeeded").count() == 10
    item = StockItem.objects.get(variant_id=variant.id)
    assert (item.on_hand, item.reserved) == (0, 0)


def test_a_double_submitted_checkout_charges_once(committed_tenant, stripe_api):
    variant = f.stocked_variant(units=5, price="80.00")
    c = f.customer()
    from contexts.commercial.services import carts

    session = uuid.uuid4().hex
    carts.add_item(session_id=session, variant_id=variant.id, quantity=1, customer_id=c.id)
    results = run_concurrently(
        lambda i: checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa",
                                    idempotency_key="double-click"), 2, tenant=committed_tenant)
    assert all(isinstance(r, Order) for r in results), results
    assert results[0].id == results[1].id
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert Order.objects.get().status == "paid" and StockItem.objects.get().on_hand == 4
