"""A paid order's way to the customer's door with a real Celery worker, localstripe and the fake
carrier on loopback: the paid order gets a shipment (worker), staff pick and pack it, the label
comes from the carrier (worker task), the carrier's signed tracking webhooks move it to
delivered (a replay has no effect), the order follows to shipped and delivered (worker), and the
customer receives a message at each step."""
import email
import json
import uuid
from email.header import decode_header, make_header

import pytest
from django.core import mail

from contexts.commercial.models import Order
from contexts.logistics.gateways import carriers
from contexts.logistics.models import Shipment
from tests.conftest import make_api_client
from tests.factories import commercial as f
from tests.factories import logistics as fl
from tests.factories.core import StaffFactory
from tests.worker import wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]


def _worker_subjects(mail_dir, to: str) -> list[str]:
    subjects = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                msg = email.message_from_string(chunk.strip())
                if msg["To"] == to:
                    subjects.append(str(make_header(decode_header(msg["Subject"]))))
    return subjects


def test_paid_order_shipped_tracked_and_delivered(celery_worker, committed_tenant, stripe_api, fake_carrier):
    scarf = f.stocked_variant(units=4, price="35.00", name="Écharpe mérinos")
    carrier = fl.carrier(api_base=fake_carrier.url, code="colis-express")
    shop = make_api_client(committed_tenant)
    registered = shop.post("/api/v1/customers/register", {"email": "lea.colis@exemple.fr", "password": "Une-phrase-longue-2026",
                                                          "first_name": "Léa", "last_name": "Martin"}, format="json")
    assert registered.status_code == 201, registered.content
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {registered.json()['access']}")
    address = shop.post("/api/v1/customers/me/addresses", {"line1": "8 rue des Lilas", "postal_code": "69003", "city": "Lyon",
                                                          "is_default": True}, format="json")
    assert address.status_code == 201, address.content
    session = uuid.uuid4().hex
    shop.post("/api/v1/cart/items", {"session_id": session, "variant_id": str(scarf.id), "quantity": 2}, format="json")
    paid = shop.post("/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="logistics-journey-1")
    assert paid.status_code == 201 and paid.json()["status"] == "paid", paid.content
    order_id = paid.json()["id"]

    shipment = wait_until(lambda: Shipment.objects.filter(order_id=order_id).first(), timeout=60, message="the shipment")
    assert (shipment.status, shipment.address_line, shipment.postal_code) == ("to_pick", "8 rue des Lilas", "69003")

    staff = make_api_client(committed_tenant)
    staff.force_authenticate(StaffFactory(role="owner", is_superuser=True))
    assert staff.post(f"/api/v1/shipments/{shipment.id}/pick").status_code == 200
    packed = staff.post(f"/api/v1/shipments/{shipment.id}/pack",
                        {"parcels": [{"weight_grams": 900, "length_cm": 30, "width_cm": 20, "height_cm": 8}]}, format="json")
    assert packed.status_code == 200, packed.content
    assert staff.post(f"/api/v1/shipments/{shipment.id}/ship", {"carrier": carrier.code, "service": "standard"},
                      format="json").status_code == 202
    wait_until(lambda: Shipment.objects.get(pk=shipment.pk).status == "shipped", timeout=60, message="the label")
    shipment.refresh_from_db()
    with shipment.label.open("rb") as fh:
        assert fh.read().startswith(b"%PDF")
    wait_until(lambda: Order.objects.get(pk=order_id).status == "shipped", timeout=60, message="the order shipped")

    def push(status_code: str, ts: int):
        raw = json.dumps({"action": "parcel_status_changed", "timestamp": ts, "parcel": {
            "tracking_number": shipment.tracking_number, "status": {"status": status_code, "message": status_code}}}).encode()
        return shop.generic("POST", f"/api/v1/logistics/carriers/{carrier.code}/webhook", raw,
                            content_type="application/json", HTTP_SENDCLOUD_SIGNATURE=carriers.sign(raw, fl.WEBHOOK_SECRET))

    assert push("in_transit", 1_790_000_000_000).json() == {"status": "applied"}
    assert push("delivered", 1_790_000_100_000).json() == {"status": "applied"}
    assert push("delivered", 1_790_000_100_000).json() == {"status": "duplicate"}  # replayed: no second effect
    wait_until(lambda: Order.objects.get(pk=order_id).status == "delivered", timeout=60, message="the order delivered")
    order = Order.objects.get(pk=order_id)
    assert list(order.history.values_list("to_status", flat=True)) == ["placed", "paid", "preparing", "shipped", "delivered"]
    assert list(shipment.history.values_list("to_status", flat=True)).count("delivered") == 1

    expected = {"Votre commande est en préparation", "Vos articles ont été prélevés", "Votre colis est emballé",
                "Votre colis est expédié", "Votre colis est en route", "Votre colis a été livré"}
    seen = wait_until(lambda: (lambda s: s if expected <= s else None)(
        set(_worker_subjects(celery_worker.mail_dir, "lea.colis@exemple.fr"))
        | {m.subject for m in mail.outbox if m.to == ["lea.colis@exemple.fr"]}), timeout=60, message="every message")
    assert expected <= seen
