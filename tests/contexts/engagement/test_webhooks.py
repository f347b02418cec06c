"""Outgoing webhooks (issue 16): registration (SSRF guard, the secret shown once, roles), signed
deliveries with retries and a log, manual resend, automatic disabling with the owner told."""
from __future__ import annotations

import json
import time
import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from contexts.catalog.events import PriceChanged
from contexts.engagement.models import Notification, StaffNotification
from contexts.engagement.webhooks import net, services, signing
from contexts.engagement.webhooks.models import WebhookDelivery, WebhookEndpoint
from crm import eventbus
from tests.conftest import make_api_client
from tests.factories.core import StaffFactory
from tests.webhook_receiver import Receiver

PRICE = "catalog.price.changed.v1"


@pytest.fixture
def owner_api(tenant):
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role="owner", email="patronne@example.com"))
    return api


def _endpoint(url, *, events=(PRICE,)) -> WebhookEndpoint:
    return services.create_endpoint(url=url, event_types=list(events))


def _price_changed() -> PriceChanged:
    return PriceChanged(variant_id=uuid.uuid4(), product_id=uuid.uuid4(), old_price=Decimal("9.90"),
                        new_price=Decimal("12.50"))


# --- signatures ----------------------------------------------------------------------------

def test_a_signature_verifies_and_a_changed_body_an_other_secret_or_an_old_timestamp_do_not():
    body = b'{"type":"catalog.price.changed.v1"}'
    header = signing.sign(body=body, secret="whsec_a", timestamp=1_800_000_000)
    assert signing.verify_signature(body, header, "whsec_a", 300, now=1_800_000_100)
    assert not signing.verify_signature(body + b" ", header, "whsec_a", 300, now=1_800_000_100)
    assert not signing.verify_signature(body, header, "whsec_b", 300, now=1_800_000_100)
    assert not signing.verify_signature(body, header, "whsec_a", 300, now=1_800_000_400)
    assert not signing.verify_signature(body, "v1=abc", "whsec_a", 300, now=1_800_000_100)


# --- registration --------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://192.168.0.10/",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://localhost/hook",
                                 "http://224.0.0.1/hook", "http://0.0.0.0/hook", "ftp://example.com/hook"])
def test_a_url_on_a_private_address_is_refused_naming_url(owner_api, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = owner_api.post("/api/v1/webhooks/endpoints/", {"url": url, "event_types": [PRICE]}, format="json")
    assert response.status_code == 400, response.content
    assert "url" in response.json()["error"]["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_even_a_registered_endpoint_is_not_called_once_its_name_points_inside(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    answer = net.post("http://127.0.0.1:9/hook", body=b"{}", headers={})
    assert answer.status_code is None and answer.error.startswith("refused")


def test_the_secret_is_shown_once_and_unknown_event_types_are_refused(owner_api):
    with Receiver() as receiver:
        created = owner_api.post("/api/v1/webhooks/endpoints/", {"url": receiver.url, "event_types": [PRICE]},
                                 format="json")
    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_")
    listed = owner_api.get("/api/v1/webhooks/endpoints/").json()
    assert "secret" not in json.dumps(listed)
    one = owner_api.get(f"/api/v1/webhooks/endpoints/{created.json()['id']}/").json()
    assert "secret" not in one and one["event_types"] == [PRICE]
    bad = owner_api.post("/api/v1/webhooks/endpoints/", {"url": "https://example.com/h", "event_types": ["nope.v1"]},
                         format="json")
    assert bad.status_code == 400 and "event_types" in bad.json()["error"]["fields"]


def test_an_endpoint_may_ask_for_the_erasure_of_a_client(owner_api):
    with Receiver() as receiver:
        created = owner_api.post("/api/v1/webhooks/endpoints/",
                                 {"url": receiver.url, "event_types": ["core.client.erased.v1"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["event_types"] == ["core.client.erased.v1"]


@pytest.mark.parametrize("role,allowed", [("owner", True), ("admin", True), ("manager", False), ("viewer", False)])
def test_only_owners_and_administrators_manage_webhooks(tenant, role, allowed):
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role=role))
    assert (api.get("/api/v1/webhooks/endpoints/").status_code == 200) is allowed


# --- delivery (in process) -------------------------------------------------------------------

def test_an_event_becomes_one_delivery_per_endpoint_that_wants_it(tenant, django_capture_on_commit_callbacks):
    wants = _endpoint("https://hooks.example.com/a")
    _endpoint("https://hooks.example.com/b", events=["commercial.order.paid.v1"])
    everything = _endpoint("https://hooks.example.com/c", events=["*"])
    event = _price_changed()
    with django_capture_on_commit_callbacks(execute=False):
        with transaction.atomic():
            eventbus.publish(event)
    relays = [s.name for s in eventbus.subscribers_of(PRICE)]
    assert relays == ["engagement.webhooks_catalog"]
    eventbus.handle(event_id=event.event_id, subscriber_name="engagement.webhooks_catalog")
    eventbus.handle(event_id=event.event_id, subscriber_name="engagement.webhooks_catalog")  # redelivered: nothing more
    deliveries = WebhookDelivery.objects.filter(event_id=event.event_id)
    assert {d.endpoint_id for d in deliveries} == {wants.id, everything.id}
    body = json.loads(deliveries[0].body)
    assert body["type"] == PRICE and body["id"] == str(event.event_id) and body["data"]["new_price"] == "12.50"


def _relay_tasks(monkeypatch, capture, event) -> list[str]:
    """The relay's tasks queued by the send after the event's commit (instead of the broker)."""
    queued: list[str] = []
    monkeypatch.setattr(eventbus, "_run_later", lambda event_id, name, schema: queued.append(name))
    with capture(execute=True):
        with transaction.atomic():
            eventbus.publish(event)
    monkeypatch.undo()
    return [name for name in queued if name.startswith("engagement.webhooks_")]


def test_no_relay_task_is_queued_for_an_event_no_active_endpoint_wants(tenant, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    from tests.helpers import assert_num_queries

    services._bump_wanted_version()  # what earlier tests cached for this tenant is not read
    capture = django_capture_on_commit_callbacks
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == []  # no endpoint at all
    with capture(execute=True):  # the version is bumped after the commit
        endpoint = _endpoint("https://hooks.example.com/a", events=["commercial.order.paid.v1"])
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == []  # one that wants other events
    with capture(execute=True):
        services.update_endpoint(endpoint=endpoint, event_types=[PRICE])
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == ["engagement.webhooks_catalog"]
    with assert_num_queries(0):  # known now: the check reads the cache, not the database
        assert services.wants_event(name=PRICE)
    with capture(execute=True):
        services.update_endpoint(endpoint=endpoint, is_active=False)
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == []  # disabled
    with capture(execute=True):
        services.update_endpoint(endpoint=endpoint, is_active=True, event_types=["*"])
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == ["engagement.webhooks_catalog"]
    with capture(execute=True):
        assert services.delete_endpoints(ids=[endpoint.pk]) == 1
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == []


def test_an_endpoint_disabled_after_its_failures_stops_the_relay_tasks(tenant, settings, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 1
    services._bump_wanted_version()
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        endpoint = _endpoint("http://127.0.0.1:9/refused")
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == ["engagement.webhooks_catalog"]
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event_id=uuid.uuid4(), event_name=PRICE, body="{}")
    with capture(execute=True):
        assert services.deliver(delivery_id=delivery.id)["result"] == "failed"
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert _relay_tasks(monkeypatch, capture, _price_changed()) == []


def test_the_admin_deletes_endpoints_through_the_service(tenant, monkeypatch, django_capture_on_commit_callbacks):
    from django.contrib import admin
    from django.test import RequestFactory

    services._bump_wanted_version()
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        endpoint = _endpoint("https://hooks.example.com/a")
    assert services.wants_event(name=PRICE)
    model_admin = admin.site._registry[WebhookEndpoint]
    with capture(execute=True):
        model_admin.delete_queryset(RequestFactory().post("/"), WebhookEndpoint.objects.filter(pk=endpoint.pk))
    assert not WebhookEndpoint.objects.exists() and not services.wants_event(name=PRICE)


def test_a_redirect_is_not_followed_and_counts_as_a_failure(tenant):
    with Receiver(statuses=[302], redirect_to="http://169.254.169.254/latest") as receiver:
        endpoint = _endpoint(receiver.url)
        [delivery_id] = services.enqueue_event(event_id=uuid.uuid4(), name=PRICE, occurred_at="2026-01-05T10:00:00Z",
                                               payload={})
        outcome = services.deliver(delivery_id=delivery_id)
    assert outcome["result"] == "retry" and len(receiver.received) == 1
    attempt = WebhookDelivery.objects.get(pk=delivery_id).log.get()
    assert attempt.status_code == 302 and attempt.error == "HTTP 302"
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


def test_a_slow_endpoint_times_out_without_holding_the_worker(tenant, settings):
    import socket

    settings.WEBHOOKS_READ_TIMEOUT = 0.5
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        started = time.monotonic()
        answer = net.post(f"http://127.0.0.1:{listener.getsockname()[1]}/slow", body=b"{}", headers={})
        assert time.monotonic() - started < 3
    finally:
        listener.close()
    assert answer.status_code is None and "Timeout" in answer.error


def test_after_too_many_failures_in_a_row_the_endpoint_is_disabled_and_the_owner_told(owner_api, settings):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    with Receiver(statuses=[500]) as receiver:
        endpoint = _endpoint(receiver.url)
        ids = [services.enqueue_event(event_id=uuid.uuid4(), name=PRICE, occurred_at="2026-01-05T10:00:00Z",
                                      payload={})[0] for _ in range(3)]
        results = [services.deliver(delivery_id=i)["result"] for i in ids]
        # Disabled: the next event makes no delivery, a pending retry is not sent.
        assert services.enqueue_event(event_id=uuid.uuid4(), name=PRICE, occurred_at="2026-01-05T10:00:00Z",
                                      payload={}) == []
    assert results == ["retry", "retry", "failed"] and len(receiver.received) == 3
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert StaffNotification.objects.filter(kind="webhook_disabled").count() == 1
    mail = Notification.objects.get(kind="webhook_disabled")
    assert mail.recipient == "patronne@example.com" and receiver.url in mail.subject
    # Reactivated through the API: the counter starts again.
    response = owner_api.patch(f"/api/v1/webhooks/endpoints/{endpoint.id}/", {"is_active": True}, format="json")
    assert response.status_code == 200 and response.json()["consecutive_failures"] == 0


def test_a_manual_resend_through_the_api_sends_it_again_and_logs_it(owner_api, django_capture_on_commit_callbacks):
    with Receiver(statuses=[200]) as receiver:
        endpoint = _endpoint(receiver.url)
        [delivery_id] = services.enqueue_event(event_id=uuid.uuid4(), name=PRICE, occurred_at="2026-01-05T10:00:00Z",
                                               payload={"x": 1})
        assert services.deliver(delivery_id=delivery_id)["result"] == "succeeded"
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = owner_api.post(f"/api/v1/webhooks/endpoints/{endpoint.id}/deliveries/{delivery_id}/resend")
        assert response.status_code == 202 and len(callbacks) == 1
        assert services.deliver(delivery_id=delivery_id, manual=True)["result"] == "succeeded"
    assert len(receiver.received) == 2
    log = owner_api.get(f"/api/v1/webhooks/endpoints/{endpoint.id}/deliveries").json()["results"][0]["log"]
    assert [(a["number"], a["status_code"], a["manual"]) for a in log] == [(1, 200, False), (2, 200, True)]


# --- through a real worker -----------------------------------------------------------------

@pytest.mark.committed
@pytest.mark.worker
def test_a_signed_webhook_reaches_a_loopback_receiver_and_500_then_200_is_delivered_twice(celery_worker,
                                                                                        committed_tenant):
    from tests.worker import wait_until

    with Receiver(statuses=[500, 200]) as receiver:
        with transaction.atomic():
            endpoint = _endpoint(receiver.url)
        receiver.secret = endpoint.secret
        event = _price_changed()
        with transaction.atomic():
            eventbus.publish(event)
        wait_until(lambda: len(receiver.received) >= 2, timeout=90, message="the retry after a 500")
        delivery = wait_until(lambda: WebhookDelivery.objects.filter(event_id=event.event_id, status="succeeded").first(),
                              message="the delivery marked succeeded")
    assert len(receiver.received) == 2
    for got in receiver.received:
        assert got["valid"], got["headers"]  # verified by the receiver with signing.verify_signature
        assert json.loads(got["body"])["id"] == str(event.event_id)
        assert got["headers"]["Comptoir-Event-Type"] == PRICE
    assert [(a.number, a.status_code) for a in delivery.log.order_by("number")] == [(1, 500), (2, 200)]
    assert delivery.attempts == 2 and delivery.delivered_at is not None


def test_the_sweep_queues_long_retries_and_frees_deliveries_left_sending(tenant, django_capture_on_commit_callbacks):
    import datetime
    from unittest import mock

    from django.utils import timezone

    endpoint = _endpoint("https://hooks.example.com/a")
    now = timezone.now()
    due = WebhookDelivery.objects.create(endpoint=endpoint, event_id=uuid.uuid4(), event_name=PRICE, body="{}",
                                         next_attempt_at=now - datetime.timedelta(hours=1))
    later = WebhookDelivery.objects.create(endpoint=endpoint, event_id=uuid.uuid4(), event_name=PRICE, body="{}",
                                           next_attempt_at=now + datetime.timedelta(hours=3))
    stuck = WebhookDelivery.objects.create(endpoint=endpoint, event_id=uuid.uuid4(), event_name=PRICE, body="{}",
                                           status="sending", claimed_at=now - datetime.timedelta(hours=1),
                                           next_attempt_at=now - datetime.timedelta(hours=2))
    with mock.patch.object(services, "_queue") as queue:
        services.sweep(now=now + datetime.timedelta(minutes=2))
    queued = set(queue.call_args.args[0])
    assert due.id in queued and stuck.id in queued and later.id not in queued
    stuck.refresh_from_db()
    assert stuck.status == "pending"
