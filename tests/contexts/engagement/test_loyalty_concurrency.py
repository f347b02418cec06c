"""Two tills redeeming the same client's points at once: the balance never goes below zero and
the ledger's sum stays the balance (real connections, real commits)."""
from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from contexts.engagement.services import loyalty
from tests.concurrency import run_concurrently
from tests.factories.core import PersonClientFactory

pytestmark = [pytest.mark.committed]


def test_concurrent_redemptions_cannot_overspend(committed_tenant):
    client = PersonClientFactory()
    loyalty.earn(client_id=client.id, source="web_order", source_id=uuid.uuid4(), amount=Decimal("100.00"))

    results = run_concurrently(lambda i: loyalty.redeem(client_id=client.id, points=60, reference=f"till-{i}", source="till"),
                               4, tenant=committed_tenant)

    assert sum(isinstance(r, Decimal) for r in results) == 1
    assert all(isinstance(r, loyalty.NotEnoughPoints) for r in results if not isinstance(r, Decimal))
    b = loyalty.balance(client_id=client.id)
    assert b.points == 40 == loyalty.ledger_sum(client_id=client.id)


def test_concurrent_deliveries_of_one_paid_order_earn_once(committed_tenant):
    client = PersonClientFactory()
    order_id = uuid.uuid4()
    run_concurrently(lambda i: loyalty.earn(client_id=client.id, source="web_order", source_id=order_id, amount=Decimal("42.00")),
                     4, tenant=committed_tenant)
    assert loyalty.balance(client_id=client.id).points == 42 == loyalty.ledger_sum(client_id=client.id)
