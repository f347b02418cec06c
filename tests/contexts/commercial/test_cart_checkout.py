import uuid
from decimal import Decimal as D

import pytest
from django.utils import timezone

from contexts.commercial.models import Cart, CartItem, Order
from contexts.commercial.services import carts, checkout
from contexts.finance.models import Payment
from contexts.inventory.models import StockItem
from tests.factories import commercial as f
from tests.helpers import count_queries


def _session():
    return uuid.uuid4().hex


def test_adding_items_reserves_stock_and_totals_split_vat(tenant):
    v = f.stocked_variant(units=5, price="25.00")
    s = _session()
    cart = carts.add_item(session_id=s, variant_id=v.id, quantity=2)
    carts.add_item(session_id=s, variant_id=v.id, quantity=1)
    assert StockItem.objects.get(variant_id=v.id).reserved == 3
    t = carts.totals(cart)
    assert (t.subtotal, t.shipping_fee, t.total) == (D("75.00"), D("0.00"), D("75.00"))
    assert t.vat == {"20.00": {"base": "62.50", "vat": "12.50"}}
    small = carts.add_item(session_id=_session(), variant_id=v.id, quantity=1)
    assert carts.totals(small).shipping_fee == D("4.90")
    with pytest.raises(Exception) as err:
        carts.add_item(session_id=_session(), variant_id=v.id, quantity=2)  # only 1 left
    assert getattr(err.value, "code", "") == "insufficient_stock"


def test_adding_more_of_a_line_grows_its_one_hold_in_place(tenant):
    from contexts.inventory.models import Reservation

    v = f.stocked_variant(units=5)
    s = _session()
    carts.add_item(session_id=s, variant_id=v.id, quantity=1)
    first = Reservation.objects.get(variant_id=v.id, status="active")
    carts.add_item(session_id=s, variant_id=v.id, quantity=2)
    hold = Reservation.objects.get(variant_id=v.id, status="active")  # still one hold, grown
    assert (hold.pk, hold.quantity, hold.location_id) == (first.pk, 3, first.location_id)
    assert hold.expires_at >= first.expires_at
    assert StockItem.objects.get(variant_id=v.id).reserved == 3
    with pytest.raises(Exception) as err:
        carts.add_item(session_id=s, variant_id=v.id, quantity=3)  # 2 left: nothing changes
    assert getattr(err.value, "code", "") == "insufficient_stock"
    assert Reservation.objects.get(variant_id=v.id, status="active").quantity == 3
    assert CartItem.objects.get(variant_id=v.id).quantity == 3


def test_a_line_whose_location_runs_short_moves_its_hold_to_one_that_has_the_units(tenant):
    """The hold's location lost its free units to another cart and another web location received
    stock: adding more replaces the hold by one of the whole quantity there."""
    from contexts.commercial.services import holds
    from contexts.inventory.models import Reservation
    from tests.factories import inventory as fi

    v = f.stocked_variant(units=4)
    a = StockItem.objects.get(variant_id=v.id).location
    s = _session()
    cart = carts.add_item(session_id=s, variant_id=v.id, quantity=2)
    carts.add_item(session_id=_session(), variant_id=v.id, quantity=2)  # a: all 4 held
    b = fi.location("warehouse", serves_web=True)
    fi.stocked(6, loc=b, variant_id=v.id, product_id=v.product_id)
    carts.add_item(session_id=s, variant_id=v.id, quantity=2)
    hold = Reservation.objects.get(owner=holds.owner(cart.id), status="active")
    assert (hold.quantity, hold.location_id) == (4, b.id)
    assert StockItem.objects.get(variant_id=v.id, location=a).reserved == 2  # the other cart's
    assert StockItem.objects.get(variant_id=v.id, location=b).reserved == 4
    assert CartItem.objects.get(cart=cart).quantity == 4


def test_an_unknown_or_withdrawn_variant_is_refused_and_writes_nothing(api):
    v = f.stocked_variant(units=3)
    v.is_active = False
    v.save(update_fields=["is_active"])
    for variant_id in (v.id, uuid.uuid4()):
        r = api.post("/api/v1/cart/items", {"session_id": _session(), "variant_id": str(variant_id), "quantity": 1},
                     format="json")
        assert r.status_code == 400 and "variant_id" in r.json()["error"]["fields"]
    assert not Cart.objects.exists() and StockItem.objects.get(variant_id=v.id).reserved == 0


def test_discarding_a_cart_gives_the_stock_back(tenant):
    v = f.stocked_variant(units=2)
    s = _session()
    carts.add_item(session_id=s, variant_id=v.id, quantity=2)
    carts.discard(session_id=s)
    assert StockItem.objects.get(variant_id=v.id).reserved == 0 and not Cart.objects.exists()


def test_an_anonymous_cart_is_merged_into_the_customers_at_login(tenant):
    a, b = f.stocked_variant(units=5), f.stocked_variant(units=5, name="Bonnet")
    c = f.customer()
    old = carts.add_item(session_id=_session(), variant_id=a.id, quantity=1, customer_id=c.id)
    anon = _session()
    carts.add_item(session_id=anon, variant_id=a.id, quantity=2)
    carts.add_item(session_id=anon, variant_id=b.id, quantity=1)
    merged = carts.get(session_id=anon, customer_id=c.id)
    assert dict(merged.items.values_list("variant_id", "quantity")) == {a.id: 3, b.id: 1}
    assert Cart.objects.get(pk=old.pk).status == "abandoned"
    assert StockItem.objects.get(variant_id=a.id).reserved == 3


def test_cart_api_and_errors_name_the_field(api):
    v = f.stocked_variant(units=3)
    s = _session()
    added = api.post("/api/v1/cart/items", {"session_id": s, "variant_id": str(v.id), "quantity": 2}, format="json")
    assert added.status_code == 201 and added.json()["total"] == "54.90"  # 50.00 + shipping under 60 €
    assert api.get(f"/api/v1/cart/{s}").json()["lines"][0]["quantity"] == 2
    bad_coupon = api.put(f"/api/v1/cart/{s}/calculate", {"coupon": "NOPE"}, format="json")
    assert bad_coupon.status_code == 400 and "coupon" in bad_coupon.json()["error"]["fields"]
    short = api.post("/api/v1/cart/items", {"session_id": _session(), "variant_id": str(v.id), "quantity": 5}, format="json")
    assert short.status_code == 409 and short.json()["error"]["code"] == "insufficient_stock"
    bad = api.post("/api/v1/cart/items", {"session_id": "x", "variant_id": "nope", "quantity": 0}, format="json")
    assert bad.status_code == 400 and {"session_id", "variant_id", "quantity"} <= set(bad.json()["error"]["fields"])
    assert api.delete(f"/api/v1/cart/{s}").status_code == 204


def _checkout_ready(customer, n_lines):
    s = _session()
    for i in range(n_lines):
        v = f.stocked_variant(units=3, price="12.00", name=f"Tasse {i}")
        carts.add_item(session_id=s, variant_id=v.id, quantity=1, customer_id=customer.id)
    return s


def test_checkout_queries_do_not_grow_with_the_lines(tenant, stripe_api):
    one = count_queries(checkout.checkout, session_id=_checkout_ready(c1 := f.customer(), 1), customer_id=c1.id,
                        payment_method="pm_card_visa", idempotency_key="k-1")
    twenty = count_queries(checkout.checkout, session_id=_checkout_ready(c20 := f.customer(), 20), customer_id=c20.id,
                           payment_method="pm_card_visa", idempotency_key="k-20")
    assert one == twenty, (one, twenty)
    assert Order.objects.filter(status="paid").count() == 2


def test_a_declined_card_cancels_the_order_and_releases_the_stock(tenant, stripe_api):
    from tests.contexts.finance.test_payments import declining_card

    c = f.customer()
    s = _checkout_ready(c, 1)
    card = declining_card(stripe_api)
    with pytest.raises(checkout.CheckoutDeclined):
        checkout.checkout(session_id=s, customer_id=c.id, payment_method=card, idempotency_key="k-d")
    order = Order.objects.get(idempotency_key="k-d")
    assert order.status == "cancelled" and [h.to_status for h in order.history.all()] == ["placed", "cancelled"]
    assert StockItem.objects.get().reserved == 0
    # The retry sees the outcome and charges nothing more.
    assert checkout.checkout(session_id=s, customer_id=c.id, payment_method=card, idempotency_key="k-d").status == "cancelled"
    assert Payment.objects.filter(status="succeeded").count() == 0
    # The cart is open again: another card, another key, and the order is paid.
    assert Cart.objects.get(session_id=s).status == "open"
    assert checkout.checkout(session_id=s, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="k-d2").status == "paid"


def test_order_state_machine_allows_only_legal_moves(staff_api, stripe_api):
    c = f.customer()
    order = checkout.checkout(session_id=_checkout_ready(c, 1), customer_id=c.id, payment_method="pm_card_visa", idempotency_key="k-s")
    assert staff_api.put(f"/api/v1/orders/{order.id}/status", {"status": "delivered"}, format="json").status_code == 409
    assert staff_api.put(f"/api/v1/orders/{order.id}/status", {"status": "preparing"}, format="json").json()["status"] == "preparing"
    shipped = staff_api.put(f"/api/v1/orders/{order.id}/status", {"status": "shipped", "note": "Colissimo 8R123"}, format="json").json()
    assert [h["to_status"] for h in shipped["history"]] == ["placed", "paid", "preparing", "shipped"]
    assert staff_api.get(f"/api/v1/customers/{c.id}/orders").json()["count"] == 1


def test_an_empty_cart_cannot_be_checked_out(tenant, stripe_api):
    c = f.customer()
    s = _session()
    Cart.objects.create(session_id=s, customer_id=c.id)
    with pytest.raises(checkout.EmptyCart):
        checkout.checkout(session_id=s, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="k-e")
    assert not CartItem.objects.exists() and not Order.objects.exists()


def test_a_cart_holding_a_withdrawn_variant_cannot_be_checked_out(tenant, stripe_api):
    c = f.customer()
    s = _session()
    v = f.stocked_variant(units=3, name="Bol")
    carts.add_item(session_id=s, variant_id=v.id, quantity=1, customer_id=c.id)
    v.product.is_active = False
    v.product.save(update_fields=["is_active"])
    with pytest.raises(checkout.ItemsWithdrawn) as err:
        checkout.checkout(session_id=s, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="k-w")
    assert err.value.field == "session_id" and "Bol" in err.value.message
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert StockItem.objects.get(variant_id=v.id).reserved == 1  # still the cart's, until removed or expired


def test_an_idle_cart_gives_its_stock_back_and_is_announced_once(tenant, django_capture_on_commit_callbacks, mailoutbox):
    """The recovery e-mail itself is engagement's (tests/contexts/engagement/test_cart_recovery.py)."""
    import datetime

    from crm.models import OutboxEvent

    v = f.stocked_variant(units=4)
    c = f.customer(email="lea@exemple.fr")
    s = _session()
    carts.add_item(session_id=s, variant_id=v.id, quantity=2, customer_id=c.id)
    Cart.objects.filter(session_id=s).update(updated_at=timezone.now() - datetime.timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert carts.abandon_idle(now=timezone.now()) == 1
    assert StockItem.objects.get(variant_id=v.id).reserved == 0
    assert mailoutbox == []  # commercial sends no e-mail any more
    event = OutboxEvent.objects.get(name="commercial.cart.abandoned.v1")
    assert event.payload["customer_id"] == str(c.id) and event.payload["lines"] == [{"variant_id": str(v.id), "quantity": 2}]
    assert carts.abandon_idle(now=timezone.now()) == 0  # once
