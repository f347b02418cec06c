"""Who changed what: API writes, admin writes and service writes land in the audit trail."""
import pytest
from django.test import Client as HttpClient

from contexts.core.models import Client
from crm.audit import Actor, acting_as
from crm.models import AuditEntry
from tests.factories.core import PersonClientFactory, StaffFactory


def test_an_api_write_records_the_user_and_the_fields(api):
    user = StaffFactory(username="sarah", role="sales")
    api.force_authenticate(user)
    response = api.post("/api/v1/clients/", {"kind": "person", "last_name": "Girard", "city": "Nantes"},
                        format="json", HTTP_X_REQUEST_ID="req-audit-1")
    entry = AuditEntry.objects.get(object_type="core.client", object_id=response.json()["id"])
    assert (entry.action, entry.actor_type, entry.actor_label) == ("create", "user", "sarah")
    assert entry.changes["last_name"] == [None, "Girard"]
    assert entry.request_id == "req-audit-1"


def test_an_admin_change_records_old_and_new_values_only_for_changed_fields(tenant):
    client = PersonClientFactory(last_name="Petit", city="Metz", email="petit@exemple.fr", first_name="Jules")
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(username="manon", role="manager"))
    form = {"kind": "person", "first_name": "Jules", "last_name": "Petit", "company_name": "", "siren": "",
            "email": "petit@exemple.fr", "phone": "", "address_line": "", "city": "Strasbourg", "postal_code": "",
            "country": "FR", "vat_number": ""}
    assert browser.post(f"/admin/core/client/{client.pk}/change/", form).status_code == 302
    entry = AuditEntry.objects.filter(object_id=str(client.pk), action="update").get()
    assert entry.actor_label == "manon"
    assert set(entry.changes) == {"city", "updated_at"}
    assert entry.changes["city"] == ["Metz", "Strasbourg"]


def test_a_task_writes_as_the_system_or_as_named(tenant):
    with acting_as(Actor("system", "", "beat: dunning")):
        c = PersonClientFactory()
    assert AuditEntry.objects.get(object_id=str(c.pk)).actor_label == "beat: dunning"
    pk = str(c.pk)
    c.delete()
    deleted = AuditEntry.objects.get(object_id=pk, action="delete")
    assert deleted.actor_type == "system"


def test_passwords_and_key_hashes_never_reach_the_trail(tenant):
    user = StaffFactory(username="paul")
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).first()
    assert entry is not None and "password" not in entry.changes


def test_the_trail_is_readable_in_the_admin_and_not_editable(tenant):
    PersonClientFactory(last_name="Lambert")
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    owner = StaffFactory(role="owner")
    browser.force_login(owner)
    listing = browser.get("/admin/crm/auditentry/")
    assert listing.status_code == 200 and b"Lambert" in listing.content
    entry = AuditEntry.objects.filter(object_type="core.client").first()
    assert browser.post(f"/admin/crm/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Client.objects.count() == 1


# --- what is recorded, and how it is written (issue 11) ---------------------------------------

def test_a_customers_cart_leaves_no_audit_rows(tenant):
    import uuid

    from contexts.commercial.services import carts
    from tests.factories import commercial as fc

    v = fc.stocked_variant(units=5)
    before = AuditEntry.objects.count()
    carts.add_item(session_id=uuid.uuid4().hex, variant_id=v.id, quantity=2)
    assert AuditEntry.objects.count() == before


@pytest.mark.committed
def test_one_commands_rows_are_written_in_one_insert_when_it_commits(committed_tenant):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        with transaction.atomic(durable=True):
            a = PersonClientFactory(last_name="Un")
            b = PersonClientFactory(last_name="Deux")
            a.city = "Lyon"
            a.save()
            assert not AuditEntry.objects.filter(object_type="core.client").exists()  # collected, not written yet
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "crm_auditentry"')]
    assert len(inserts) == 1
    assert sorted(AuditEntry.objects.filter(object_type="core.client").values_list("object_id", "action")) == sorted(
        [(str(a.pk), "create"), (str(b.pk), "create"), (str(a.pk), "update")])


@pytest.mark.committed
def test_a_rolled_back_command_or_savepoint_leaves_no_rows_of_its_own(committed_tenant):
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic(durable=True):
        PersonClientFactory(last_name="Annulé")
        raise Boom
    with transaction.atomic(durable=True):
        kept = PersonClientFactory(last_name="Gardé")
        with pytest.raises(Boom), transaction.atomic():
            PersonClientFactory(last_name="Défait")
            raise Boom
    assert list(AuditEntry.objects.filter(object_type="core.client").values_list("object_id", flat=True)) == [
        str(kept.pk)]


def test_an_update_is_diffed_against_the_values_read_without_reading_the_row_again(tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = Client.objects.get(pk=PersonClientFactory(last_name="Roux", city="Metz").pk)
    c.city = "Nancy"
    with CaptureQueriesContext(connection) as ctx:
        c.save(update_fields=["city"])
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    c.city = "Toul"
    c.save(update_fields=["city"])  # diffed against the last save, not the first read
    changes = [e.changes["city"] for e in AuditEntry.objects.filter(object_id=str(c.pk), action="update").order_by("id")]
    assert changes == [["Metz", "Nancy"], ["Nancy", "Toul"]]
