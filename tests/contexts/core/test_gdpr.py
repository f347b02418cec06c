"""GDPR export and erasure of a person (issue 16): after an erasure, a scan of EVERY text and
JSON column of every table of the tenant's schema (and of the public schema) finds the person's
e-mail, name, phone and address nowhere but in the legal records the law makes us keep; the
export holds their orders and invoices; their tokens stop working at once."""
from __future__ import annotations

import io
import json
import uuid
import zipfile
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from contexts.commercial.models import Order, OrderStatusChange
from contexts.core import gdpr
from contexts.core.models import Client, Customer, CustomerAddress, GdprRequest
from contexts.core.services import client_for_customer
from contexts.engagement.models import (Activity, ContactPreference, LoyaltyAccount, Notification, StaffNotification,
                                        TimelineEntry)
from contexts.finance.models import Invoice
from contexts.logistics.models import Shipment
from contexts.pos.models import JournalEntry, Ticket
from crm.models import AuditEntry, OutboxEvent
from tests.factories import finance as finance_f
from tests.factories import logistics as logistics_f
from tests.factories import pos as pos_f
from tests.factories.commercial import customer_token
from tests.factories.core import PersonClientFactory, StaffFactory

EMAIL = "zephyrine.quilleboeuf@exemple.fr"
FIRST, LAST = "Zéphyrine", "Quillebœuf"
PHONE = "06 12 34 56 78"
STREET = "17 impasse des Glycines"
TERMS = [EMAIL, LAST, f"{FIRST} {LAST}", PHONE, STREET]

# The records the law makes us keep as they are (docs/gdpr.md): issued invoices and credit notes
# (10 years, immutable by trigger) with their lines and documents, and the till's fiscal journal.
ALLOWED = {
    "finance_invoice": "status = 'issued'",
    "finance_invoiceline": "invoice_id IN (SELECT id FROM {schema}.finance_invoice WHERE status = 'issued')",
    "finance_invoicedocument": "TRUE",
    "pos_journalentry": "TRUE",
}
TEXT_TYPES = ("character varying", "character", "text", "json", "jsonb", "ARRAY")


def mentions(term: str, schemas=("alpha", "public"), allowed=ALLOWED) -> list[str]:
    """Every (schema.table.column) of every table where `term` appears (case-insensitive), the
    allowed legal records aside. Generic: a table added tomorrow is scanned as well."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE t.table_type = 'BASE TABLE' AND c.table_schema = ANY(%s) AND c.data_type = ANY(%s)",
            [list(schemas), list(TEXT_TYPES)])
        columns = cursor.fetchall()
        assert len(columns) > 100  # the scan really covers the schema
        for schema, table, column in columns:
            exception = allowed.get(table, "FALSE").format(schema=f'"{schema}"') if schema != "public" else "FALSE"
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}" WHERE "{column}"::text ILIKE %s AND NOT ({exception})',
                           [f"%{term}%"])
            if cursor.fetchone()[0]:
                found.append(f"{schema}.{table}.{column}")
    return found


@pytest.fixture
def person(tenant, seller):
    """Zéphyrine: a shop account with an address, the CRM client behind it, an order, a draft and
    an issued invoice, a shipment, a till sale, messages, timeline, activity, consent, loyalty,
    audit rows with her values, an admin log line, an outbox event carrying her e-mail."""
    customer = Customer(email=EMAIL, first_name=FIRST, last_name=LAST, phone=PHONE)
    customer.set_password("Une-phrase-longue-2026")
    customer.save()
    CustomerAddress.objects.create(customer=customer, label="Maison", line1=STREET, postal_code="69003", city="Lyon",
                                   is_default=True)
    client = Client.objects.get(pk=client_for_customer(customer_id=customer.id).client_id)
    client.address_line, client.postal_code, client.city = STREET, "69003", "Lyon"
    client.save()  # an audit row with her values (old and new)
    order = Order.objects.create(idempotency_key=f"gdpr-{uuid.uuid4()}", client_id=client.id, customer_id=customer.id,
                                 subtotal=Decimal("35.00"), total=Decimal("35.00"))
    OrderStatusChange.objects.create(order=order, to_status="placed", note=f"appel de {FIRST} {LAST}")
    draft = finance_f.draft_invoice(client=client)
    issued = finance_f.issued_invoice(client=client)
    shipment = logistics_f.paid_order_shipment(order_id=order.id, the_client=client)
    session = pos_f.session()
    ticket = pos_f.sale(session, [(pos_f.stocked_variant(session.register.location_id), 1)], customer_id=client.id)
    Notification.objects.create(kind="order.confirmation", recipient=EMAIL, client_id=client.id, subject="Votre commande",
                                body=f"Bonjour {FIRST} {LAST}, merci pour votre commande.", status="sent")
    TimelineEntry.objects.create(client_id=client.id, occurred_at="2026-01-05T10:00:00Z", source="commercial",
                                 kind="order", title=f"Commande de {FIRST} {LAST}", reference_id=order.id)
    Activity.objects.create(client_id=client.id, kind="call", subject=f"Appel {LAST}",
                            body=f"{FIRST} rappellera au {PHONE}", occurred_at="2026-01-05T10:00:00Z")
    ContactPreference.objects.create(client_id=client.id, marketing_email=True)
    LoyaltyAccount.objects.create(client_id=client.id, balance=120, earned_total=120)
    StaffNotification.objects.create(kind="client.new", title=f"Nouvelle cliente : {FIRST} {LAST}", body=EMAIL)
    LogEntry.objects.create(user=StaffFactory(role="owner"), content_type=ContentType.objects.get_for_model(Client), object_id=str(client.id),
                            object_repr=str(client), action_flag=CHANGE, change_message=f"e-mail {EMAIL}")
    OutboxEvent.objects.create(id=uuid.uuid4(), name="test.person.v1", payload={"email": EMAIL, "name": f"{FIRST} {LAST}"},
                               occurred_at="2026-01-05T10:00:00Z")
    return {"customer": customer, "client": client, "order": order, "draft": draft, "issued": issued,
            "shipment": shipment, "ticket": ticket}


def test_the_scan_finds_the_person_everywhere_before_the_erasure(person):
    found = mentions(EMAIL)
    for table in ("core_client", "core_customer", "crm_auditentry", "engagement_notification", "logistics_shipment",
                  "crm_outboxevent", "django_admin_log", "engagement_staffnotification"):
        assert any(f".{table}." in hit for hit in found), (table, found)
    assert mentions(STREET)  # the client, the address, the shipment


def test_after_erasure_no_table_mentions_the_person_outside_the_legal_records(person):
    bystander = PersonClientFactory(first_name="Bruno", last_name="Carpentier", email="bruno@exemple.fr")
    subject = gdpr.find_subject(email=EMAIL.upper())
    assert set(subject.client_ids) == {str(person["client"].id)}

    request = gdpr.erase(subject=subject, requested_by="owner1")

    for term in TERMS:
        assert mentions(term) == [], term
    # The legal records still name her, unchanged (and the scan did look at them).
    issued = Invoice.objects.get(pk=person["issued"].pk)
    assert issued.buyer_email == EMAIL and LAST in issued.buyer_name and issued.status == "issued"
    assert mentions(EMAIL, allowed={}) == ["alpha.finance_invoice.buyer_email"]
    assert JournalEntry.objects.filter(reference__isnull=False).exists()
    # Everything else points at a pseudonym.
    client = Client.objects.get(pk=person["client"].pk)
    assert client.last_name == request.pseudonym and client.email == ""
    assert Invoice.objects.get(pk=person["draft"].pk).buyer_name == request.pseudonym
    assert Shipment.objects.get(pk=person["shipment"].pk).recipient_name == request.pseudonym
    assert Ticket.objects.get(pk=person["ticket"].pk).customer_id == client.id  # fiscal record kept, id only
    assert not CustomerAddress.objects.filter(customer_id=person["customer"].id).exists()
    assert not ContactPreference.objects.get(client_id=client.id).marketing_email
    assert LoyaltyAccount.objects.get(client_id=client.id).balance == 120
    # Nobody else was touched.
    bystander.refresh_from_db()
    assert (bystander.first_name, bystander.last_name, bystander.email) == ("Bruno", "Carpentier", "bruno@exemple.fr")
    # The request is recorded: who, what, no name.
    assert request.kind == "erasure" and request.requested_by == "owner1" and request.summary["finance"]["issued_invoices_kept"] == 1
    assert AuditEntry.objects.filter(action="gdpr_erase", object_type="core.client").exists()


def _archive(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name).decode("utf-8-sig") for name in z.namelist()}


def test_the_erasure_publishes_client_erased_with_ids_only(person):
    subject = gdpr.find_subject(email=EMAIL)
    request = gdpr.erase(subject=subject, requested_by="owner1")

    [event] = OutboxEvent.objects.filter(name="core.client.erased.v1")
    assert event.payload == {"request_id": str(request.id), "client_ids": [str(person["client"].id)],
                             "customer_ids": [str(person["customer"].id)]}
    assert request.pseudonym not in json.dumps(event.payload)


def test_the_export_holds_orders_invoices_and_the_rest(person):
    request = gdpr.record_export(subject=gdpr.find_subject(client_id=person["client"].id), requested_by="owner1")
    files = _archive(gdpr.export_archive(request=request, organisation="Alpha"))
    assert str(person["order"].id) in {o["id"] for o in json.loads(files["commercial_orders.json"])}
    numbers = {i["number"] for i in json.loads(files["finance_invoices.json"])}
    assert person["issued"].number in numbers
    assert person["issued"].number in files["finance_invoices.csv"]
    assert json.loads(files["core_profile.json"])[0]["email"] == EMAIL
    assert "password" not in json.loads(files["core_customer_accounts.json"])[0]
    assert STREET in files["core_addresses.csv"]
    for section in ("engagement_notifications", "engagement_consents", "engagement_loyalty_accounts", "engagement_timeline",
                    "logistics_shipments", "pos_tickets"):
        assert json.loads(files[f"{section}.json"]), section
    manifest = json.loads(files["manifest.json"])
    assert manifest["sections"]["commercial_orders"] == 1 and "Code de commerce" in manifest["retention"]
    assert request.summary["finance_invoices"] == 2


# --- over the API --------------------------------------------------------------------------------

def test_api_export_then_download(staff_api, person):
    created = staff_api.post("/api/v1/gdpr/exports", {"email": EMAIL}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "export" and body["summary"]["commercial_orders"] == 1
    download = staff_api.get(body["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert person["issued"].number in _archive(download.content)["finance_invoices.json"]
    assert staff_api.get("/api/v1/gdpr/requests/").json()["results"][0]["id"] == body["id"]


def test_api_erasure_revokes_the_customers_tokens_at_once(api, staff_api, person):
    from tests.conftest import make_api_client

    shop = make_api_client(person["client"]._state.db and connection.tenant)
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {customer_token(person['customer'])}")
    assert shop.get("/api/v1/customers/me").status_code == 200

    erased = staff_api.post("/api/v1/gdpr/erasures", {"customer_id": str(person["customer"].id), "confirm": True},
                            format="json")
    assert erased.status_code == 201, erased.content
    assert erased.json()["pseudonym"].startswith("anonyme-") and "Code de commerce" in erased.json()["retention"]
    assert shop.get("/api/v1/customers/me").status_code == 401
    assert GdprRequest.objects.filter(kind="erasure").count() == 1
    assert mentions(EMAIL) == []


@pytest.mark.parametrize("payload, field", [
    ({"client_id": "not-a-uuid", "confirm": True}, "client_id"),
    ({"confirm": True}, "client_id"),
    ({"email": EMAIL, "client_id": str(uuid.uuid4()), "confirm": True}, "client_id"),
    ({"email": EMAIL, "confirm": False}, "confirm"),
    ({"email": "nobody@exemple.fr", "confirm": True}, "email"),
])
def test_api_erasure_refuses_bad_input_naming_the_field(staff_api, person, payload, field):
    response = staff_api.post("/api/v1/gdpr/erasures", payload, format="json")
    assert response.status_code in (400, 404), response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert Customer.objects.get(pk=person["customer"].pk).email == EMAIL


@pytest.mark.parametrize("role", ["manager", "accountant", "sales"])
def test_only_owners_and_admins_handle_gdpr_requests(api, person, role):
    api.force_authenticate(StaffFactory(role=role))
    assert api.post("/api/v1/gdpr/erasures", {"email": EMAIL, "confirm": True}, format="json").status_code == 403
    assert api.post("/api/v1/gdpr/exports", {"email": EMAIL}, format="json").status_code == 403
    assert Customer.objects.get(pk=person["customer"].pk).is_active


def test_an_erasure_that_fails_in_one_context_changes_nothing_and_is_recorded_as_failed(staff_api, person, monkeypatch):
    from crm import hooks
    from crm.rest.errors import DomainError

    def refuse(*, subject):
        raise DomainError("the till refuses")

    monkeypatch.setitem(hooks._PROVIDERS, "gdpr.erase.pos", refuse)
    response = staff_api.post("/api/v1/gdpr/erasures", {"email": EMAIL, "confirm": True}, format="json")
    assert response.status_code == 409
    assert Client.objects.get(pk=person["client"].pk).email == EMAIL  # commercial, engagement... rolled back too
    assert Shipment.objects.get(pk=person["shipment"].pk).recipient_name != ""
    assert Notification.objects.filter(recipient=EMAIL).exists()
    failed = GdprRequest.objects.get()
    assert (failed.kind, failed.status, failed.summary) == ("erasure", "failed", {"error": "DomainError"})
