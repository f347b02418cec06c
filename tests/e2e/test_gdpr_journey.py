"""A real shop customer erased (issue 16, GDPR): she registers, adds an address, orders and pays
over HTTP; a real Celery worker makes her shipment, confirmation e-mail and timeline from the
events. The owner then erases her through the API: her tokens stop working at once and a scan of
every text and JSON column of every table of the tenant's schema (and of the public schema) finds
her e-mail, name and street only in the issued invoice, which the law makes us keep."""
import uuid

import pytest

from contexts.engagement.models import Notification, TimelineEntry
from contexts.finance.models import Invoice
from contexts.logistics.models import Shipment
from tests.conftest import make_api_client
from tests.contexts.core.test_gdpr import mentions
from tests.factories import commercial as f
from tests.factories.core import StaffFactory
from tests.worker import wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]

EMAIL, FIRST, LAST, STREET = "ysaline.brocheriou@exemple.fr", "Ysaline", "Brocheriou", "3 allée des Mûriers"


def test_a_customer_who_ordered_is_erased_everywhere_but_her_invoice(celery_worker, committed_tenant, stripe_api):
    scarf = f.stocked_variant(units=4, price="35.00", name="Écharpe mérinos")
    shop = make_api_client(committed_tenant)
    registered = shop.post("/api/v1/customers/register", {"email": EMAIL, "password": "Une-phrase-longue-2026",
                                                          "first_name": FIRST, "last_name": LAST}, format="json")
    assert registered.status_code == 201, registered.content
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {registered.json()['access']}")
    assert shop.post("/api/v1/customers/me/addresses", {"line1": STREET, "postal_code": "35000", "city": "Rennes",
                                                        "is_default": True}, format="json").status_code == 201
    session = uuid.uuid4().hex
    shop.post("/api/v1/cart/items", {"session_id": session, "variant_id": str(scarf.id), "quantity": 2}, format="json")
    paid = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="gdpr-journey-1")
    assert paid.status_code == 201 and paid.json()["status"] == "paid", paid.content
    order_id = paid.json()["id"]
    wait_until(lambda: Shipment.objects.filter(order_id=order_id).exists(), timeout=60, message="the shipment")
    wait_until(lambda: Notification.objects.filter(recipient=EMAIL).exists(), timeout=60, message="the confirmation")
    wait_until(lambda: TimelineEntry.objects.exists(), timeout=60, message="the timeline")
    assert mentions(EMAIL, schemas=("gamma",))  # the scan sees her before

    owner = make_api_client(committed_tenant)
    owner.force_authenticate(StaffFactory(role="owner"))
    export = owner.post("/api/v1/gdpr/exports", {"email": EMAIL}, format="json").json()
    assert export["summary"]["commercial_orders"] == 1 and export["summary"]["finance_invoices"] == 1

    erased = owner.post("/api/v1/gdpr/erasures", {"email": EMAIL, "confirm": True}, format="json")
    assert erased.status_code == 201, erased.content
    assert shop.get("/api/v1/customers/me").status_code == 401  # her token, refused at once

    for term in (EMAIL, LAST, f"{FIRST} {LAST}", STREET):
        assert mentions(term, schemas=("gamma", "public")) == [], term
    invoice = Invoice.objects.get(order_id=order_id)
    assert invoice.status == "issued" and invoice.buyer_email == EMAIL  # kept, as the law requires
