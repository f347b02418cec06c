"""A client's timeline gathers events of core, commercial, finance and the till, and staff
activities, in order; tasks and their reminder job; the health score and its reasons change
when an invoice falls due unpaid."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

from contexts.commercial.events import ContractSigned, OrderPaid
from contexts.core.events import ClientCreated
from contexts.engagement import api as engagement_api
from contexts.engagement import tasks as engagement_tasks
from contexts.engagement.models import ClientHealth, StaffNotification, TimelineEntry
from contexts.engagement.services import activities, health
from crm.events import Event
from tests.contexts.engagement.conftest import deliver, deliver_id, deliver_outbox
from tests.factories.finance import issued_invoice

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)


class TicketCompleted(Event):  # the till's contract (branch pos), published here by name
    name = "pos.ticket.completed.v1"


def ticket(*, client_id, number: int, total: str, at: datetime.datetime):
    import dataclasses

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Ticket(Event):
        name = "pos.ticket.completed.v1"
        ticket_id: uuid.UUID
        register_id: uuid.UUID
        location_id: uuid.UUID
        number: int
        cashier_id: int
        customer_id: uuid.UUID | None
        total: Decimal
        total_net: Decimal
        total_vat: Decimal
        business_date: str
        items: tuple = ()

    return Ticket(ticket_id=uuid.uuid4(), register_id=uuid.uuid4(), location_id=uuid.uuid4(), number=number, cashier_id=1,
                  customer_id=client_id, total=Decimal(total), total_net=Decimal(total) / Decimal("1.2"),
                  total_vat=Decimal(total) - Decimal(total) / Decimal("1.2"), business_date=at.date().isoformat(), occurred_at=at)


def test_the_timeline_shows_four_contexts_and_staff_in_order_and_a_replay_adds_nothing(client_row, api, staff_user):
    cid = client_row.id
    deliver(ClientCreated(client_id=cid, occurred_at=T0))
    deliver(ContractSigned(contract_id=uuid.uuid4(), client_id=cid, start_date="2026-03-05", end_date="2027-03-04",
                           occurred_at=T0 + datetime.timedelta(days=3)))
    paid = OrderPaid(order_id=uuid.uuid4(), client_id=cid, total=Decimal("59.90"), invoice_number="F2026-000003",
                     occurred_at=T0 + datetime.timedelta(days=5))
    deliver(paid)
    till = ticket(client_id=cid, number=17, total="24.00", at=T0 + datetime.timedelta(days=8))
    deliver(till)
    activities.log_activity(client_id=cid, kind="call", subject="Relance devis", occurred_at=T0 + datetime.timedelta(days=9))
    invoice = issued_invoice(client=client_row)
    deliver_outbox("finance.invoice.issued.v1")

    redelivered = deliver_id(till.event_id, till.name)  # redelivered by the bus to each of its subscribers
    assert redelivered and set(redelivered) == {"duplicate"}
    deliver(OrderPaid(order_id=paid.order_id, client_id=cid, total=Decimal("59.90"), invoice_number="F2026-000003",
                      occurred_at=paid.occurred_at))  # the same fact republished under another id

    api.force_authenticate(staff_user)
    response = api.get(f"/api/v1/clients/{cid}/timeline")
    assert response.status_code == 200
    rows = response.json()["results"] if "results" in response.json() else response.json()
    kinds = [r["kind"] for r in rows if r["kind"] != "email_sent"]
    assert [r["title"] for r in rows if r["kind"] == "email_sent"] == [
        "E-mail envoyé : Votre commande est confirmée (facture F2026-000003)"]  # once, though paid twice
    assert kinds == ["invoice_invoice", "activity_call", "ticket_completed", "order_paid", "contract_signed", "client_created"]
    assert {r["source"] for r in rows} == {"core", "commercial", "finance", "pos", "engagement"}
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["invoice_invoice"]["title"] == f"Facture {invoice.number} émis(e)"
    assert by_kind["ticket_completed"]["title"] == "Ticket de caisse n° 17" and by_kind["ticket_completed"]["amount"] == "24.00"
    assert TimelineEntry.objects.filter(client_id=cid).count() == 7


def test_the_timeline_page_has_a_fixed_query_count(client_row, api, staff_user, django_assert_max_num_queries):
    for i in range(60):
        deliver(ticket(client_id=client_row.id, number=i, total="10.00", at=T0 + datetime.timedelta(hours=i)))
    api.force_authenticate(staff_user)
    with django_assert_max_num_queries(12):
        response = api.get(f"/api/v1/clients/{client_row.id}/timeline?page_size=50")
    assert response.status_code == 200


def test_staff_log_activities_and_bad_input_is_a_400_naming_the_field(client_row, api, staff_user):
    api.force_authenticate(staff_user)
    ok = api.post(f"/api/v1/clients/{client_row.id}/activities", {"kind": "meeting", "subject": "Présentation collection"}, format="json")
    assert ok.status_code == 201 and ok.json()["author_id"] == staff_user.pk
    bad = api.post(f"/api/v1/clients/{client_row.id}/activities", {"kind": "fax", "subject": "x"}, format="json")
    assert bad.status_code == 400 and "kind" in str(bad.json())
    unknown = api.post(f"/api/v1/clients/{uuid.uuid4()}/activities", {"kind": "note", "subject": "x"}, format="json")
    assert unknown.status_code == 404


def test_tasks_due_today_are_reminded_once_per_assignee(client_row, api, staff_user):
    from tests.factories.core import StaffFactory

    other = StaffFactory(role="sales")
    today = datetime.date(2026, 3, 10)
    api.force_authenticate(staff_user)
    for title, who, due in [("Rappeler Camille", staff_user.pk, today), ("Envoyer devis", staff_user.pk, today),
                            ("Préparer salon", other.pk, today), ("Plus tard", other.pk, today + datetime.timedelta(days=1))]:
        r = api.post("/api/v1/tasks/", {"title": title, "assignee_id": who, "due_date": due.isoformat(), "client_id": str(client_row.id)},
                     format="json")
        assert r.status_code == 201, r.json()
    done = api.post("/api/v1/tasks/", {"title": "Déjà fait", "assignee_id": other.pk, "due_date": today.isoformat()}, format="json")
    assert api.post(f"/api/v1/tasks/{done.json()['id']}/complete/").status_code == 200
    assert api.post("/api/v1/tasks/", {"title": "x", "assignee_id": other.pk, "due_date": "demain"}, format="json").status_code == 400

    assert engagement_tasks.remind_tasks_due(today=today.isoformat()) == 2
    assert engagement_tasks.remind_tasks_due(today=today.isoformat()) == 0  # beat ran twice: nobody reminded twice
    mine = StaffNotification.objects.get(user_id=staff_user.pk)
    assert mine.title == "2 tâche(s) à faire aujourd'hui" and mine.body == "- Envoyer devis\n- Rappeler Camille"
    theirs = StaffNotification.objects.get(user_id=other.pk)
    assert theirs.body == "- Préparer salon"


def test_the_health_score_and_its_reasons_change_when_an_invoice_becomes_overdue(client_row):
    invoice = issued_invoice(client=client_row)
    deliver_outbox("finance.invoice.issued.v1")
    due = invoice.due_date
    deliver(OrderPaid(order_id=uuid.uuid4(), client_id=client_row.id, total=Decimal("650.00"), invoice_number="F1",
                      occurred_at=datetime.datetime.combine(due - datetime.timedelta(days=10), datetime.time(10), datetime.timezone.utc)))

    on_due_date = health.recompute(client_id=client_row.id, today=due)
    assert "Aucune facture en retard" not in engagement_api.client_health(client_id=client_row.id).reasons[:1]
    overdue = health.recompute(client_id=client_row.id, today=due + datetime.timedelta(days=1))

    assert overdue.score < on_due_date.score
    top = engagement_api.client_health(client_id=client_row.id).reasons
    assert len(top) == 3
    assert top[0] == "1 facture(s) en retard, la plus ancienne de 1 jour(s)"
    assert on_due_date.score - overdue.score == 15


def test_the_nightly_job_scores_every_known_client_in_a_bounded_number_of_queries(tenant, django_assert_max_num_queries):
    from tests.factories.core import PersonClientFactory

    clients = PersonClientFactory.create_batch(30)
    for i, c in enumerate(clients):
        deliver(ticket(client_id=c.id, number=i, total=str(10 * (i + 1)), at=T0))
    with django_assert_max_num_queries(20):  # 30 clients; the same for 3,000 (grouped queries, batched upsert)
        assert health.recompute_all(today=T0.date() + datetime.timedelta(days=40)) == 30
    scores = dict(ClientHealth.objects.values_list("client_id", "score"))
    assert scores[clients[0].id] < scores[clients[-1].id]  # 10 € spent weighs less than 300 €
    assert all(0 <= s <= 100 for s in scores.values())


def test_the_admin_shows_the_score_with_its_three_main_reasons(client_row, staff_user):
    from django.test import Client

    health.recompute(client_id=client_row.id, today=T0.date())
    c = Client(SERVER_NAME="alpha.testserver")
    c.force_login(staff_user)
    page = c.get("/admin/engagement/clienthealth/").content.decode()
    assert "Aucun achat" in page and client_row.display_name in page
