"""Through a real Celery worker: a paid order earns its points and joins the timeline once,
even when the bus delivers it again."""
from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from contexts.commercial.events import OrderPaid
from contexts.engagement.models import LoyaltyEntry, TimelineEntry
from contexts.engagement.services import loyalty
from crm import eventbus, tasks
from tests.factories.core import PersonClientFactory
from tests.worker import wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]


def test_a_paid_order_earns_points_once_through_the_worker_even_when_redelivered(celery_worker, committed_tenant):
    client = PersonClientFactory()
    event = OrderPaid(order_id=uuid.uuid4(), client_id=client.id, total=Decimal("75.40"), invoice_number="F2026-000100")
    with transaction.atomic():
        eventbus.publish(event)
    wait_until(lambda: loyalty.balance(client_id=client.id).points == 75, message="points earned by the worker")
    wait_until(lambda: TimelineEntry.objects.filter(kind="order_paid", reference_id=event.order_id).exists(),
               message="the timeline line")

    redeliveries = [tasks.run_subscriber.apply_async(kwargs={"event_id": str(event.event_id), "subscriber": name},
                                                     headers={"_schema_name": committed_tenant.schema_name})
                    for name in ("engagement.loyalty_order_paid", "engagement.timeline_order_paid")]
    assert [r.get(timeout=30) for r in redeliveries] == ["duplicate", "duplicate"]
    assert LoyaltyEntry.objects.filter(account_id=client.id).count() == 1
    assert loyalty.balance(client_id=client.id).points == 75 == loyalty.ledger_sum(client_id=client.id)
    assert TimelineEntry.objects.filter(kind="order_paid", reference_id=event.order_id).count() == 1
