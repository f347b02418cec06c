"""One notification service: templated e-mails (text and HTML), SMS (console and an HTTP
provider), staff notifications; marketing only with consent, a signed unsubscribe link; every
message recorded with its status."""
from __future__ import annotations

import json
import threading
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from contexts.commercial.events import OrderPaid
from contexts.engagement.gateways import sms as sms_gateway
from contexts.engagement.models import MessageStatus, Notification, StaffNotification
from contexts.engagement.services import notifications
from contexts.inventory.events import StockLow
from tests.contexts.engagement.conftest import deliver, deliver_id

pytestmark = pytest.mark.django_db


def test_order_paid_sends_one_confirmation_in_text_and_html_recorded_as_sent(client_row, django_capture_on_commit_callbacks):
    event = OrderPaid(order_id=uuid.uuid4(), client_id=client_row.id, total=Decimal("42.50"), invoice_number="F2026-000012")
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(event)  # the bus runs every engagement subscriber once
        deliver(OrderPaid(order_id=event.order_id, client_id=client_row.id, total=Decimal("42.50"),
                          invoice_number="F2026-000012"))  # the same fact under another event id

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@exemple.fr"]
    assert message.subject == "Votre commande est confirmée (facture F2026-000012)"
    assert "42.50 €" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<strong>F2026-000012</strong>" in html
    note = Notification.objects.get(kind="order_confirmation")
    assert (note.status, note.client_id, note.related_id) == (MessageStatus.SENT, client_row.id, event.order_id)
    assert note.delivered_at is not None


def test_a_refused_email_is_recorded_as_failed(client_row, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "tests.contexts.engagement.test_notifications.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        note = notifications.send_email(kind="order_confirmation", to=client_row.email, template="order_confirmation",
                                        context={"name": "Camille", "total": "1.00", "invoice_number": "F1"})
    note.refresh_from_db()
    assert note.status == MessageStatus.FAILED and "relay refused" in note.error


class RefusingBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("relay refused")


def test_marketing_needs_consent_and_the_signed_link_unsubscribes(client_row, api, django_capture_on_commit_callbacks):
    context = {"subject": "Soldes d'hiver", "text": "-30 % sur les écharpes."}
    with django_capture_on_commit_callbacks(execute=True):
        without = notifications.send_email(kind="newsletter", to=client_row.email, template="newsletter", context=context,
                                           client_id=client_row.id, purpose="marketing")
    assert without.status == MessageStatus.SUPPRESSED and mail.outbox == []

    notifications.set_consent(client_id=client_row.id, marketing_email=True, marketing_sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notifications.send_email(kind="newsletter", to=client_row.email, template="newsletter", context=context,
                                        client_id=client_row.id, purpose="marketing")
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT and len(mail.outbox) == 1
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert link in mail.outbox[0].body
    path = link[link.index("/api/v1/"):]

    assert api.get(path[:-3] + "xyz").status_code == 400  # a tampered link
    response = api.get(path)
    assert response.status_code == 200 and "Vous ne recevrez plus nos offres" in response.content.decode()
    assert api.get(path).status_code == 200  # twice is harmless

    with django_capture_on_commit_callbacks(execute=True):
        after = notifications.send_email(kind="newsletter", to=client_row.email, template="newsletter", context=context,
                                         client_id=client_row.id, purpose="marketing")
        transactional = notifications.send_email(kind="order_confirmation", to=client_row.email, template="order_confirmation",
                                                 client_id=client_row.id,
                                                 context={"name": "C", "total": "1.00", "invoice_number": "F1"})
    assert after.status == MessageStatus.SUPPRESSED
    transactional.refresh_from_db()
    assert transactional.status == MessageStatus.SENT  # transactional messages are always sent
    assert len(mail.outbox) == 2


def test_an_unsubscribe_link_of_another_tenant_is_refused(client_row, other_tenant):
    from django_tenants.utils import tenant_context

    token = notifications.unsubscribe_token(client_id=client_row.id)
    with tenant_context(other_tenant):
        with pytest.raises(notifications.BadUnsubscribeLink):
            notifications.unsubscribe(token=token)


def test_sms_through_the_console_backend(client_row, django_capture_on_commit_callbacks, settings):
    settings.SMS_BACKEND = "console"
    sms_gateway.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note = notifications.send_sms(kind="shipping", to="+33612345678", text="Votre colis est en route.", client_id=client_row.id)
    note.refresh_from_db()
    assert note.status == MessageStatus.SENT
    assert sms_gateway.outbox[-1] == sms_gateway.SmsMessage(to="+33612345678", text="Votre colis est en route.", sender="Comptoir")


class _Provider(BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Provider.received.append((self.headers["Authorization"], body))
        payload = json.dumps({"id": "msg-77"} if _Provider.answer == 200 else {"error": "no credit"}).encode()
        self.send_response(_Provider.answer)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider(settings):
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/messages"
    settings.SMS_HTTP_TOKEN = "tok-test"
    _Provider.received, _Provider.answer = [], 200
    yield _Provider
    server.shutdown()
    server.server_close()


def test_sms_through_the_http_provider_records_its_id_or_its_refusal(client_row, sms_provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ok = notifications.send_sms(kind="shipping", to="+33612345678", text="Colis livré.")
    ok.refresh_from_db()
    assert (ok.status, ok.provider_id) == (MessageStatus.SENT, "msg-77")
    assert sms_provider.received == [("Bearer tok-test", {"to": "+33612345678", "from": "Comptoir", "text": "Colis livré."})]

    sms_provider.answer = 402
    with django_capture_on_commit_callbacks(execute=True):
        refused = notifications.send_sms(kind="shipping", to="+33612345678", text="Colis livré.")
    refused.refresh_from_db()
    assert refused.status == MessageStatus.FAILED and "402" in refused.error


def test_the_message_is_sent_only_after_commit(client_row, sms_provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = notifications.send_sms(kind="shipping", to="+33600000000", text="x")
    assert sms_provider.received == [] and Notification.objects.get(pk=note.pk).status == MessageStatus.QUEUED
    assert len(callbacks) == 1


def test_low_stock_is_an_in_app_notification_for_staff_once(tenant, admin_client_alpha):
    event = StockLow(variant_id=uuid.uuid4(), product_id=uuid.uuid4(), location_id=uuid.uuid4(), available=2, reorder_point=5)
    deliver(event)
    assert deliver_id(event.event_id, event.name, only="engagement.staff_") == ["duplicate"]  # redelivered by the bus
    note = StaffNotification.objects.get(kind="low_stock")
    assert note.title == "Stock bas : 2 disponible(s) (seuil 5)" and note.user_id is None
    page = admin_client_alpha.get("/admin/engagement/staffnotification/")
    assert page.status_code == 200 and "Stock bas : 2 disponible(s)" in page.content.decode()


@pytest.fixture
def admin_client_alpha(tenant, staff_user):
    from django.test import Client

    c = Client(SERVER_NAME="alpha.testserver")
    c.force_login(staff_user)
    return c
