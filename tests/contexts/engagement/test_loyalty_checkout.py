"""Loyalty points spent at checkout: earned on a paid order, redeemed as a discount spread over
the lines (and so over their VAT rates), taken back on a return, given back when the order is
cancelled; every event delivered twice counts once."""
from __future__ import annotations

import uuid
from decimal import Decimal as D

import pytest

from contexts.commercial.events import OrderPaid
from contexts.commercial.models import Order
from contexts.commercial.services import carts, orders
from contexts.core import api as core_api
from contexts.engagement.models import LoyaltyEntry, LoyaltyProgram
from contexts.engagement.services import loyalty
from contexts.finance.models import Invoice
from tests.contexts.engagement.conftest import deliver, deliver_outbox
from tests.factories import catalog as cat
from tests.factories import commercial as f
from tests.factories import inventory as inv

pytestmark = pytest.mark.django_db


def _variant(price, vat):
    variant = cat.product(name=f"Article {price}", price=price, vat=vat).variants.first()
    inv.stocked(5, loc=inv.location("warehouse", serves_web=True), variant_id=variant.id, product_id=variant.product_id)
    return variant


@pytest.fixture
def shopper(seller, api):
    """A shop customer with 100 points worth 10 € (a point is worth 0.10 € in this tenant) and a
    cart of 40 € at 20 % VAT and 20 € at 5.5 % (free shipping from 60 €)."""
    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"points_per_euro": D("1"), "point_value": D("0.10")})
    c = f.customer()
    client_id = core_api.client_for_customer(customer_id=c.id).client_id
    deliver(OrderPaid(order_id=uuid.uuid4(), client_id=client_id, total=D("100.00"), invoice_number="F0"))
    a, b = _variant("40.00", "normal"), _variant("20.00", "reduit")
    session = uuid.uuid4().hex
    carts.add_item(session_id=session, variant_id=a.id, quantity=1, customer_id=c.id)
    carts.add_item(session_id=session, variant_id=b.id, quantity=1, customer_id=c.id)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {f.customer_token(c)}")
    return c, client_id, session, a, b


def _checkout(api, session, key, **extra):
    return api.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa", **extra},
                    format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_points_redeemed_at_checkout_taken_back_on_a_return_replay_safe(shopper, api, stripe_api):
    c, client_id, session, a, b = shopper
    assert api.get("/api/v1/customers/me").json()["loyalty_points"] == 100  # the profile shows the balance

    too_many = _checkout(api, session, "loy-0", loyalty_points=101)
    assert too_many.status_code == 400 and "loyalty_points" in too_many.json()["error"]["fields"]
    assert not Order.objects.exists() and loyalty.balance(client_id=client_id).points == 100
    negative = _checkout(api, session, "loy-0b", loyalty_points=-5)
    assert negative.status_code == 400 and "loyalty_points" in negative.json()["error"]["fields"]

    done = _checkout(api, session, "loy-1", loyalty_points=100)
    assert done.status_code == 201, done.json()
    body = done.json()
    assert (body["loyalty_points"], body["loyalty_discount"], body["subtotal"], body["total"]) == (100, "10.00", "50.00", "50.00")
    # 10 € spread 40:20 -> 6.67 on the 20 % line, 3.33 on the 5.5 % line; VAT per rate from the new totals.
    assert {l["total"]: l["discount"] for l in body["lines"]} == {"33.33": "6.67", "16.67": "3.33"}
    assert body["vat_breakdown"] == {"20.00": {"base": "27.78", "vat": "5.55"}, "5.50": {"base": "15.80", "vat": "0.87"}}
    deliver_outbox("finance.payment.received.v1", only="commercial.order_paid")  # the worker issues the invoice
    invoice = Invoice.objects.get(order_id=body["id"])
    # The invoice bills the discounted lines: net 27.78 + 15.80. Its VAT is computed on the net
    # (EN 16931), so a VAT-included price whose net is not exact (33.33 here) may differ by a cent
    # from the order's total: finance's rule for every order, with or without points.
    assert invoice.total_net == D("43.58") and abs(invoice.total_gross - D("50.00")) <= D("0.01")
    assert loyalty.balance(client_id=client_id).points == 0
    # The same request retried: the same order, nothing spent twice.
    assert _checkout(api, session, "loy-1", loyalty_points=100).json()["id"] == body["id"]

    deliver_outbox("commercial.order.paid.v1")
    deliver_outbox("commercial.order.paid.v1")  # the bus delivers the paid order twice
    assert loyalty.balance(client_id=client_id).points == 50  # earned on the 50 € paid, once

    orders.set_status(order_id=body["id"], status="preparing")
    orders.set_status(order_id=body["id"], status="shipped")
    ret = orders.order_return(order_id=body["id"], lines=[{"variant_id": str(a.id), "quantity": 1}], reason="taille")
    assert ret.amount == D("33.33")  # the refund is what was paid for the line, discount deducted
    deliver_outbox("finance.invoice.issued.v1")
    deliver_outbox("finance.invoice.issued.v1")  # the credit note delivered twice
    b_ = loyalty.balance(client_id=client_id)
    assert b_.points == 17 and loyalty.ledger_sum(client_id=client_id) == 17  # 33 points taken back, once
    assert list(LoyaltyEntry.objects.filter(account_id=client_id).order_by("created_at").values_list("kind", "points")) == [
        ("earn", 100), ("redeem", -100), ("earn", 50), ("reverse", -33)]
    assert api.get("/api/v1/customers/me").json()["loyalty_points"] == 17


def test_points_come_back_once_when_the_order_is_cancelled(shopper, api, stripe_api):
    from tests.contexts.finance.test_payments import declining_card

    c, client_id, session, a, b = shopper
    response = api.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": declining_card(stripe_api),
                                                    "loyalty_points": 30}, format="json", HTTP_IDEMPOTENCY_KEY="loy-d")
    assert response.status_code == 402
    order = Order.objects.get(idempotency_key="loy-d")
    assert (order.status, order.loyalty_points, order.loyalty_discount, order.total) == ("cancelled", 30, D("3.00"), D("57.00"))
    assert loyalty.balance(client_id=client_id).points == 70
    deliver_outbox("commercial.order.cancelled.v1")
    deliver_outbox("commercial.order.cancelled.v1")  # replayed
    assert loyalty.balance(client_id=client_id).points == 100
    assert LoyaltyEntry.objects.filter(account_id=client_id, kind="restore").count() == 1


def test_points_worth_the_whole_basket_or_a_closed_programme_are_refused(shopper, api, stripe_api):
    c, client_id, session, a, b = shopper
    deliver(OrderPaid(order_id=uuid.uuid4(), client_id=client_id, total=D("600.00"), invoice_number="F9"))
    whole = _checkout(api, session, "loy-w", loyalty_points=600)  # 60 € of points for a 60 € basket
    assert whole.status_code == 400 and "loyalty_points" in whole.json()["error"]["fields"]
    LoyaltyProgram.objects.filter(pk=1).update(is_active=False)
    closed = _checkout(api, session, "loy-c", loyalty_points=10)
    assert closed.status_code == 400 and "loyalty_points" in closed.json()["error"]["fields"]
    assert loyalty.balance(client_id=client_id).points == 700 and not Order.objects.exists()


def test_points_spent_at_the_till_earned_and_taken_back_on_a_return_once(client_row):
    from contexts.pos.services import tickets
    from crm.rest.errors import InvalidInput
    from tests.factories import pos as pos_f

    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"points_per_euro": D("1"), "point_value": D("0.10")})
    deliver(OrderPaid(order_id=uuid.uuid4(), client_id=client_row.id, total=D("100.00"), invoice_number="F0"))
    reg = pos_f.register()
    sess = pos_f.session(reg)
    scarf = pos_f.stocked_variant(reg.location_id, price="29.90")
    hat = pos_f.stocked_variant(reg.location_id, price="12.00", vat="reduit")
    basket = [(scarf, 1), (hat, 1)]
    with pytest.raises(InvalidInput) as err:
        pos_f.sale(sess, basket, customer_id=client_row.id, loyalty_points=101)
    assert err.value.field == "loyalty_points"
    with pytest.raises(InvalidInput) as err:
        pos_f.sale(sess, basket, loyalty_points=10)  # no client chosen
    assert err.value.field == "loyalty_points"

    key = uuid.uuid4()
    ticket = pos_f.sale(sess, basket, customer_id=client_row.id, loyalty_points=50, uuid=key)
    assert (ticket.loyalty_points, ticket.loyalty_discount, ticket.ticket_discount, ticket.total) == (
        50, D("5.00"), D("5.00"), D("36.90"))
    # 5 € spread 29.90:12.00 -> 3.57 and 1.43; each line's net and VAT from its new total.
    lines = {l.vat_rate: l for l in ticket.lines.all()}
    assert (lines[D("20.00")].total, lines[D("5.50")].total) == (D("26.33"), D("10.57"))
    assert (lines[D("20.00")].total_net, lines[D("5.50")].total_net) == (D("21.94"), D("10.02"))
    assert ticket.total_net + ticket.total_vat == ticket.total
    assert pos_f.sale(sess, basket, customer_id=client_row.id, loyalty_points=50, uuid=key).replayed  # resent by the till
    assert loyalty.balance(client_id=client_row.id).points == 50

    deliver_outbox("pos.ticket.completed.v1")
    deliver_outbox("pos.ticket.completed.v1")  # delivered twice
    assert loyalty.balance(client_id=client_row.id).points == 86  # 36 points on the 36.90 paid

    scarf_line = lines[D("20.00")]
    tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, original_ticket_id=ticket.id,
                         lines=[{"line_id": scarf_line.id, "quantity": 1}], refund_method="original")
    deliver_outbox("pos.ticket.returned.v1")
    deliver_outbox("pos.ticket.returned.v1")
    assert loyalty.balance(client_id=client_row.id).points == 60  # 26 points of the 26.33 refunded, once
    assert loyalty.ledger_sum(client_id=client_row.id) == 60


def test_points_spent_on_a_till_ticket_come_back_once_when_it_is_voided(client_row):
    """A void undoes the sale: the points it spent are given back (like a cancelled web order)
    and the points it earned are taken back; the void's event delivered twice counts once."""
    from contexts.pos.services import tickets
    from tests.factories import pos as pos_f

    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"points_per_euro": D("1"), "point_value": D("0.10")})
    deliver(OrderPaid(order_id=uuid.uuid4(), client_id=client_row.id, total=D("100.00"), invoice_number="F0"))
    sess = pos_f.session()
    scarf = pos_f.stocked_variant(sess.register.location_id, price="29.90")
    ticket = pos_f.sale(sess, [(scarf, 1)], customer_id=client_row.id, loyalty_points=40)
    assert (ticket.loyalty_discount, ticket.total) == (D("4.00"), D("25.90"))
    deliver_outbox("pos.ticket.completed.v1")
    assert loyalty.balance(client_id=client_row.id).points == 85  # 100 - 40 spent + 25 earned

    boss = pos_f.manager()
    tickets.void_ticket(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, ticket_id=ticket.id,
                        approved_by_id=boss.pk)
    deliver_outbox("pos.ticket.returned.v1")
    deliver_outbox("pos.ticket.returned.v1")  # replayed
    assert loyalty.balance(client_id=client_row.id).points == 100  # as before the sale
    assert loyalty.ledger_sum(client_id=client_row.id) == 100
    assert list(LoyaltyEntry.objects.filter(account_id=client_row.id).order_by("created_at").values_list("kind", "points")) == [
        ("earn", 100), ("redeem", -40), ("earn", 25), ("restore", 40), ("reverse", -25)]


def test_a_plain_return_at_the_till_does_not_give_spent_points_back(client_row):
    """Only a void (the whole sale undone) gives the points back; a return refunds what was paid
    for its lines, the points' share deducted."""
    from contexts.pos.services import tickets
    from tests.factories import pos as pos_f

    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"points_per_euro": D("1"), "point_value": D("0.10")})
    deliver(OrderPaid(order_id=uuid.uuid4(), client_id=client_row.id, total=D("100.00"), invoice_number="F0"))
    sess = pos_f.session()
    scarf = pos_f.stocked_variant(sess.register.location_id, price="29.90")
    ticket = pos_f.sale(sess, [(scarf, 1)], customer_id=client_row.id, loyalty_points=40)
    deliver_outbox("pos.ticket.completed.v1")
    line = ticket.lines.get()
    tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, original_ticket_id=ticket.id,
                         lines=[{"line_id": line.id, "quantity": 1}], refund_method="original")
    deliver_outbox("pos.ticket.returned.v1")
    assert not LoyaltyEntry.objects.filter(account_id=client_row.id, kind="restore").exists()
    assert loyalty.balance(client_id=client_row.id).points == 60  # 100 - 40 spent + 25 earned - 25 taken back
