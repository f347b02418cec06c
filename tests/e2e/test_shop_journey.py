"""A customer's journey over HTTP, with localstripe and a real Celery worker: register, add
items, check out, pay; the order is paid and the stock committed in the request, the invoice
issued by the worker, and the order-paid event reached engagement's subscriber in the worker."""
import uuid

import pytest

from contexts.engagement.models import Notification
from contexts.finance.models import Invoice
from contexts.inventory.models import StockItem
from tests.conftest import make_api_client
from tests.factories import commercial as f
from tests.worker import wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]


def test_register_add_checkout_pay(celery_worker, committed_tenant, stripe_api):
    scarf = f.stocked_variant(units=4, price="35.00", name="Écharpe mérinos")
    hat = f.stocked_variant(units=4, price="19.90", name="Bonnet côtelé")
    shop = make_api_client(committed_tenant)

    registered = shop.post("/api/v1/customers/register", {"email": "lea@exemple.fr", "password": "Une-phrase-longue-2026",
                                                          "first_name": "Léa", "last_name": "Martin"}, format="json")
    assert registered.status_code == 201
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {registered.json()['access']}")
    session = uuid.uuid4().hex
    assert shop.post("/api/v1/cart/items", {"session_id": session, "variant_id": str(scarf.id), "quantity": 2}, format="json").status_code == 201
    cart = shop.post("/api/v1/cart/items", {"session_id": session, "variant_id": str(hat.id), "quantity": 1}, format="json").json()
    assert "total" in cart, cart
    assert cart["total"] == "89.90"  # 70.00 + 19.90, free shipping from 60 €

    order = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"},
                      format="json", HTTP_IDEMPOTENCY_KEY="journey-1")
    assert order.status_code == 201, order.content
    body = order.json()
    assert body["status"] == "paid"
    assert StockItem.objects.get(variant_id=scarf.id).on_hand == 2
    assert StockItem.objects.get(variant_id=hat.id).reserved == 0

    # The invoice is issued by the worker after commit, off the customer's request.
    number = wait_until(lambda: shop.get(f"/api/v1/orders/{body['id']}").json()["invoice_number"], timeout=60,
                        message="the invoice")
    assert number.startswith("FA-") and shop.get(f"/api/v1/orders/{body['id']}").json()["status"] == "paid"
    invoice = Invoice.objects.get(number=number)
    assert invoice.total_gross == invoice.allocations.get().amount
    note = wait_until(lambda: Notification.objects.filter(related_id=body["id"]).first(), timeout=60, message="the confirmation")
    assert note.recipient == "lea@exemple.fr"
