"""Loyalty: points earned on paid web orders and till tickets, tiers, redeemed as a discount
(through the kernel hook checkout and the till call, or the API), taken back on a return,
given back when the order is cancelled; a ledger whose sum is the balance; never twice for one
fact, whatever the bus replays."""
from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

import pytest

from contexts.commercial.events import OrderCancelled, OrderPaid
from contexts.engagement.models import LoyaltyEntry, LoyaltyProgram, LoyaltyTier
from contexts.engagement.services import loyalty
from contexts.finance.events import InvoiceIssued
from crm import hooks
from crm.events import Event
from tests.contexts.engagement.conftest import deliver, deliver_id

pytestmark = pytest.mark.django_db


@dataclasses.dataclass(frozen=True, kw_only=True)
class TicketReturned(Event):  # the till's contract (branch pos), published here by name
    name = "pos.ticket.returned.v1"
    ticket_id: uuid.UUID
    original_ticket_id: uuid.UUID | None
    register_id: uuid.UUID
    location_id: uuid.UUID
    number: int
    kind: str
    customer_id: uuid.UUID | None
    total: Decimal
    refund_method: str
    business_date: str
    items: tuple = ()


def paid(client_id, total="59.90", order_id=None):
    return OrderPaid(order_id=order_id or uuid.uuid4(), client_id=client_id, total=Decimal(total), invoice_number="F1")


def _balance(client_id):
    return loyalty.balance(client_id=client_id)


def test_points_are_earned_once_per_paid_order_whatever_the_replay(client_row):
    event = paid(client_row.id, "59.90")
    deliver(event)
    deliver_id(event.event_id, event.name)  # the bus redelivers it
    deliver(paid(client_row.id, "59.90", order_id=event.order_id))  # the same order paid again under a new event
    b = _balance(client_row.id)
    assert (b.points, b.earned_total) == (59, 59)  # 1 point per whole euro (the tenant's rule)
    assert LoyaltyEntry.objects.filter(account_id=client_row.id).count() == 1
    assert loyalty.ledger_sum(client_id=client_row.id) == b.points


def test_the_tenants_rule_and_tiers(client_row, api, staff_user):
    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"points_per_euro": Decimal("2"), "point_value": Decimal("0.05")})
    LoyaltyTier.objects.create(name="Argent", threshold=100)
    LoyaltyTier.objects.create(name="Or", threshold=500)
    LoyaltyTier.objects.create(name="VIP", threshold=2000)
    deliver(paid(client_row.id, "120.00"))
    api.force_authenticate(staff_user)
    body = api.get(f"/api/v1/clients/{client_row.id}/loyalty").json()
    assert body == {"client_id": str(client_row.id), "points": 240, "earned_total": 240, "tier": "Argent",
                    "value": "12.00", "next_tier": "Or", "points_to_next_tier": 260}


def test_the_shop_customer_sees_their_balance_in_their_profile(tenant, api):
    from contexts.core import api as core_api
    from tests.factories.commercial import customer, customer_token

    shopper = customer()
    client_id = core_api.client_for_customer(customer_id=shopper.id).client_id
    deliver(paid(client_id, "30.00"))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {customer_token(shopper)}")
    assert api.get("/api/v1/customers/me/loyalty").json()["points"] == 30
    api.credentials()
    assert api.get("/api/v1/customers/me/loyalty").status_code in (401, 403)


def test_redeemed_at_checkout_through_the_kernel_hook_once_per_reference(client_row):
    deliver(paid(client_row.id, "250.00"))
    order_id = uuid.uuid4()
    # What commercial's checkout calls (it may not import engagement: crm.hooks, README).
    discount = hooks.call("loyalty.redeem", client_id=client_row.id, points=200, reference=f"order:{order_id}", default=Decimal(0))
    again = hooks.call("loyalty.redeem", client_id=client_row.id, points=200, reference=f"order:{order_id}", default=Decimal(0))
    assert discount == again == Decimal("2.00")  # 200 points at 0.01 €
    assert _balance(client_row.id).points == 50
    with pytest.raises(loyalty.NotEnoughPoints):
        loyalty.redeem(client_id=client_row.id, points=51, reference="order:other")

    cancelled = OrderCancelled(order_id=order_id, reason="payment_failed")
    deliver(cancelled)
    deliver(OrderCancelled(order_id=order_id, reason="payment_failed"))
    assert _balance(client_row.id).points == 250  # given back once
    assert loyalty.ledger_sum(client_id=client_row.id) == 250


def test_redeemed_at_the_till_through_the_api_with_clear_errors(client_row, api, staff_user):
    deliver(paid(client_row.id, "80.00"))
    api.force_authenticate(staff_user)
    ok = api.post("/api/v1/loyalty/redemptions", {"client_id": str(client_row.id), "points": 50, "reference": "T-0042"}, format="json")
    assert ok.status_code == 200 and ok.json()["discount"] == "0.50" and ok.json()["balance"]["points"] == 30
    too_many = api.post("/api/v1/loyalty/redemptions", {"client_id": str(client_row.id), "points": 31, "reference": "T-0043"}, format="json")
    assert too_many.status_code == 409 and "points" in str(too_many.json())
    negative = api.post("/api/v1/loyalty/redemptions", {"client_id": str(client_row.id), "points": -5, "reference": "T-0044"}, format="json")
    assert negative.status_code == 400 and "points" in str(negative.json())
    nobody = api.post("/api/v1/loyalty/redemptions", {"client_id": str(uuid.uuid4()), "points": 1, "reference": "T-0045"}, format="json")
    assert nobody.status_code == 404


def test_points_are_taken_back_on_a_till_return_and_a_web_credit_note(client_row):
    deliver(paid(client_row.id, "100.00"))
    ret = TicketReturned(ticket_id=uuid.uuid4(), original_ticket_id=uuid.uuid4(), register_id=uuid.uuid4(), location_id=uuid.uuid4(),
                         number=9, kind="return", customer_id=client_row.id, total=Decimal("-30.00"), refund_method="cash",
                         business_date="2026-03-02")
    deliver(ret)
    deliver_id(ret.event_id, ret.name)
    assert _balance(client_row.id).points == 70
    credit = InvoiceIssued(invoice_id=uuid.uuid4(), number="A2026-000001", kind="credit_note", client_id=client_row.id,
                           order_id=uuid.uuid4(), total_gross=Decimal("-20.00"), currency="EUR")
    deliver(credit)
    b = _balance(client_row.id)
    assert (b.points, b.earned_total) == (50, 50)
    # A return larger than what is left never makes the balance negative.
    deliver(dataclasses.replace(ret, ticket_id=uuid.uuid4(), total=Decimal("-500.00"), event_id=uuid.uuid4()))
    assert _balance(client_row.id).points == 0
    assert loyalty.ledger_sum(client_id=client_row.id) == 0


def test_anonymous_till_tickets_earn_nothing(tenant):
    assert loyalty.earn(client_id=None, source="till_ticket", source_id=uuid.uuid4(), amount=Decimal("12.00")) == 0


def test_a_new_shop_customer_without_points_reads_a_zero_balance(tenant, api):
    from tests.factories.commercial import customer, customer_token

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {customer_token(customer())}")
    body = api.get("/api/v1/customers/me/loyalty").json()
    assert (body["points"], body["value"], body["tier"]) == (0, "0.00", "")
