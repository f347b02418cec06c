"""A web process killed (SIGKILL) between the card's charge and its recording: the order stays
placed with its stock held, and the reconcile job brings it to paid exactly once."""
import datetime
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from contexts.commercial.models import Order
from contexts.commercial.services import carts
from contexts.finance.models import Invoice, Payment
from contexts.inventory.models import StockItem
from tests.factories import commercial as f

pytestmark = pytest.mark.committed
ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent("""
    import os, signal, sys, uuid
    import django
    django.setup()
    from django.db import connection
    from django_tenants.utils import get_tenant_model
    from contexts.commercial.services import checkout
    from contexts.finance.gateways import stripe_gateway

    connection.set_tenant(get_tenant_model().objects.get(schema_name=sys.argv[1]))
    real_confirm = stripe_gateway.confirm_intent

    def confirm_then_die(**kw):
        real_confirm(**kw)                      # Stripe charged the card...
        os.kill(os.getpid(), signal.SIGKILL)    # ...and the process dies before recording it

    stripe_gateway.confirm_intent = confirm_then_die
    checkout.checkout(session_id=sys.argv[2], customer_id=uuid.UUID(sys.argv[3]), payment_method="pm_card_visa",
                      idempotency_key="killed-1")
""")


def test_a_process_killed_after_the_charge_leaves_an_order_the_job_pays_once(committed_tenant, stripe_api, settings):
    from django.db import connection

    from contexts.commercial import tasks

    c = f.customer()
    variant = f.stocked_variant(units=4, price="25.00")
    session = uuid.uuid4().hex
    carts.add_item(session_id=session, variant_id=variant.id, quantity=1, customer_id=c.id)

    url = urlsplit(settings.DATABASE_URL)
    env = dict(os.environ, DATABASE_URL=urlunsplit((url.scheme, url.netloc, "/" + connection.settings_dict["NAME"], url.query, "")),
               STRIPE_API_BASE=stripe_api, STRIPE_SECRET_KEY=settings.STRIPE_SECRET_KEY, DB_CONN_MAX_AGE="0",
               DJANGO_SETTINGS_MODULE="config.settings_test", CELERY_TASK_ALWAYS_EAGER="0", LOG_LEVEL="ERROR",
               CELERY_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE)  # its tasks stay in this session's queue
    child = subprocess.run([sys.executable, "-c", CHILD, committed_tenant.schema_name, session, str(c.id)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]

    order = Order.objects.get(idempotency_key="killed-1")
    payment = Payment.objects.get(order_id=order.id)
    assert order.status == "placed" and payment.status == "pending" and payment.stripe_payment_intent
    assert StockItem.objects.get(variant_id=variant.id).reserved == 1

    now = order.created_at + datetime.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS + 1)
    assert tasks.reconcile_placed_orders(now=now.isoformat()) == {"paid": 1, "cancelled": 0, "pending": 0}
    assert tasks.reconcile_placed_orders(now=now.isoformat()) == {"paid": 0, "cancelled": 0, "pending": 0}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "paid" and payment.status == "succeeded"
    assert Invoice.objects.filter(order_id=order.id, kind="invoice").count() == 1
    item = StockItem.objects.get(variant_id=variant.id)
    assert (item.on_hand, item.reserved) == (3, 0)
