"""The carrier through its adapter, against the fake Sendcloud-like server on loopback: the
label is a PDF stored with the shipment; tracking comes by polling and by a signed webhook,
each update applied once; a carrier that is down never fails the shipping request, its calls
are retried and the breaker opens, then closes when the carrier is back."""
from __future__ import annotations

import datetime
import json

import time_machine
from django.core import mail
from django.db import connection

from contexts.logistics import tasks
from contexts.logistics.gateways import breaker, carriers
from contexts.logistics.models import Shipment
from contexts.logistics.services import labels, shipments
from tests.factories import logistics as fl

T0 = 1_790_000_000_000  # carrier timestamps, in ms


def _packed_and_asked(fake, weight=800):
    carrier = fl.carrier(api_base=fake.url)
    shipment = fl.packed(fl.paid_order_shipment(), weight_grams=weight)
    shipments.ship(shipment_id=shipment.id, carrier_code=carrier.code, service="standard")
    return carrier, Shipment.objects.get(pk=shipment.pk)


def test_the_label_comes_back_as_a_pdf_and_the_shipment_is_shipped(tenant, fake_carrier, django_capture_on_commit_callbacks):
    carrier, shipment = _packed_and_asked(fake_carrier)
    assert (shipment.status, shipment.label_state, str(shipment.shipping_cost)) == ("packed", "requested", "4.95")
    with django_capture_on_commit_callbacks(execute=True):
        assert labels.fetch_label(shipment_id=shipment.id) == "shipped"
    shipment.refresh_from_db()
    assert shipment.status == "shipped" and shipment.tracking_number.startswith("3SABC")
    assert shipment.label.name.startswith(f"{connection.schema_name}/logistics/labels/")
    with shipment.label.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    assert [m.subject for m in mail.outbox] == ["Votre colis est expédié"]
    assert shipment.tracking_number in mail.outbox[0].body
    assert labels.fetch_label(shipment_id=shipment.id) == "skipped"  # a redelivered task buys no second label
    assert sum(1 for m, p in fake_carrier.state.requests if p == "/api/v2/parcels") == 1


def test_a_refused_label_is_marked_failed_and_can_be_asked_again(tenant, fake_carrier):
    carrier = fl.carrier(api_base=fake_carrier.url)
    shipment = fl.packed(fl.paid_order_shipment(the_client=fl.client(postal_code="")))
    shipments.ship(shipment_id=shipment.id, carrier_code=carrier.code, service="standard")
    assert labels.fetch_label(shipment_id=shipment.id) == "refused"
    shipment.refresh_from_db()
    assert (shipment.status, shipment.label_state, shipment.label_error) == ("packed", "failed", "postal_code is required")
    assert breaker.state(f"carrier:{fake_carrier.url.split('//')[1]}") == "closed"  # a refusal is not an outage


def test_carrier_down_the_request_succeeds_calls_are_retried_and_the_breaker_opens_then_closes(
        tenant, fake_carrier, settings, staff_api):
    settings.LOGISTICS_BREAKER_FAIL_MAX, settings.LOGISTICS_BREAKER_RESET_SECONDS = 3, 60
    name = f"carrier:{fake_carrier.url.split('//')[1]}"
    breaker.reset(name)
    fake_carrier.state.down = True
    carrier = fl.carrier(api_base=fake_carrier.url)
    shipment = fl.packed(fl.paid_order_shipment())
    answer = staff_api.post(f"/api/v1/shipments/{shipment.id}/ship", {"carrier": carrier.code, "service": "standard"},
                            format="json")
    assert answer.status_code == 202, answer.content  # shipping is accepted while the carrier is down
    assert answer.json()["label_state"] == "requested"
    result = tasks.create_label.apply(kwargs={"shipment_id": str(shipment.id)})  # eager: its retries run at once
    assert isinstance(result.result, carriers.CarrierUnavailable)
    assert result.task_id and tasks.create_label.max_retries == settings.LOGISTICS_TASK_MAX_RETRIES
    # 1 + max_retries attempts; only the first 3 reached the carrier, then the breaker was open.
    assert len(fake_carrier.state.requests) == 3
    assert breaker.state(name) == "open"
    shipment.refresh_from_db()
    assert (shipment.status, shipment.label_state) == ("packed", "requested")
    fake_carrier.state.down = False
    try:
        labels.fetch_label(shipment_id=shipment.id)
        raise AssertionError("the open breaker lets no call through")
    except carriers.CarrierUnavailable:
        pass
    assert len(fake_carrier.state.requests) == 3
    with time_machine.travel(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=61), tick=False):
        assert labels.stuck_labels() == [str(shipment.id)]  # the sweep asks again
        assert labels.fetch_label(shipment_id=shipment.id) == "shipped"  # the trial call closes the breaker
    assert breaker.state(name) == "closed"
    shipment.refresh_from_db()
    assert shipment.status == "shipped"


def _shipped(fake):
    carrier, shipment = _packed_and_asked(fake)
    labels.fetch_label(shipment_id=shipment.id)
    shipment.refresh_from_db()
    return carrier, shipment


def test_polling_applies_new_tracking_events_once(tenant, fake_carrier):
    carrier, shipment = _shipped(fake_carrier)
    fake_carrier.state.set_tracking(shipment.tracking_number, (T0, "announced"), (T0 + 1000, "in_transit"))
    assert labels.to_poll() == [str(shipment.id)]
    assert labels.poll(shipment_id=shipment.id) == 2
    assert labels.poll(shipment_id=shipment.id) == 0
    fake_carrier.state.set_tracking(shipment.tracking_number, (T0, "announced"), (T0 + 1000, "in_transit"),
                                    (T0 + 2000, "delivered"))
    assert labels.poll(shipment_id=shipment.id) == 1
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert list(shipment.history.values_list("to_status", flat=True))[-2:] == ["in_transit", "delivered"]


def _webhook(api, carrier, body: dict, secret=fl.WEBHOOK_SECRET):
    raw = json.dumps(body).encode()
    return api.generic("POST", f"/api/v1/logistics/carriers/{carrier.code}/webhook", raw, content_type="application/json",
                       HTTP_SENDCLOUD_SIGNATURE=carriers.sign(raw, secret))


def test_a_signed_webhook_moves_the_shipment_and_a_replay_has_no_effect(tenant, fake_carrier, api):
    carrier, shipment = _shipped(fake_carrier)
    body = {"action": "parcel_status_changed", "timestamp": T0 + 5000,
            "parcel": {"tracking_number": shipment.tracking_number, "status": {"status": "delivered", "message": "Livré"}}}
    assert _webhook(api, carrier, body, secret="not-the-secret").status_code == 400
    first = _webhook(api, carrier, body)
    assert first.status_code == 200 and first.json() == {"status": "applied"}
    again = _webhook(api, carrier, body)
    assert again.json() == {"status": "duplicate"}
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert shipment.tracking.count() == 1
    assert list(shipment.history.values_list("to_status", flat=True)).count("delivered") == 1
    bad = _webhook(api, carrier, {"parcel": {"tracking_number": shipment.tracking_number}})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"
