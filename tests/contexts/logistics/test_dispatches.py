"""Postal dispatch through the fake Maileva-like provider: the French address block is checked
(4xx naming the field), the letter submitted, its statuses polled, its cost recorded, the proof
of delivery stored; the dunning's formal notice is posted as registered with acknowledgement of
receipt and its proof shows in the invoice's dunning history."""
from __future__ import annotations

import base64
import datetime as dt

import pytest

from contexts.finance.models import Reminder
from contexts.finance.services import dunning, invoicing
from contexts.logistics.models import Dispatch
from contexts.logistics.services import dispatches
from crm.models import OutboxEvent
from tests.factories.core import CompanyClientFactory
from tests.factories.finance import draft_invoice
from tests.fake_carrier import PDF

GOOD = {"kind": "registered_ar", "address_lines": ["SARL Dupont", "12 rue de la République"], "postal_code": "69003",
        "city": "Lyon", "document": base64.b64encode(PDF).decode()}


@pytest.mark.parametrize("change, field", [
    ({"address_lines": ["SARL Dupont", "x" * 39]}, "address_lines[1]"),
    ({"address_lines": ["a", "b", "c", "d", "e", "f"]}, "address_lines"),
    ({"address_lines": ["SARL Dupont", "  "]}, "address_lines[1]"),
    ({"postal_code": "6900"}, "postal_code"),
    ({"city": ""}, "city"),
    ({"city": "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"}, "city"),
    ({"country": "BE"}, "country"),
    ({"document": base64.b64encode(b"not a pdf").decode()}, "document"),
    ({"document": "***"}, "document"),
    ({"kind": "pigeon"}, "kind"),
])
def test_a_wrong_address_block_is_a_400_naming_the_field(staff_api, change, field):
    answer = staff_api.post("/api/v1/dispatches", {**GOOD, **change}, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["error"]["fields"]
    assert not Dispatch.objects.exists()


def test_a_letter_is_submitted_polled_delivered_with_cost_and_proof(staff_api, fake_carrier):
    answer = staff_api.post("/api/v1/dispatches", GOOD, format="json")
    assert answer.status_code == 201, answer.content
    dispatch_id = answer.json()["id"]
    assert answer.json()["address_lines"] == ["SARL Dupont", "12 rue de la République", "69003 LYON"]
    assert dispatches.submit(dispatch_id=dispatch_id) == "submitted"
    assert dispatches.submit(dispatch_id=dispatch_id) == "skipped"  # a redelivered task posts nothing twice
    assert staff_api.get(f"/api/v1/dispatches/{dispatch_id}/proof").status_code == 404
    fake_carrier.state.set_sending(dispatch_id, "posted")
    assert dispatches.poll(dispatch_id=dispatch_id) == "posted"
    fake_carrier.state.set_sending(dispatch_id, "delivered")
    assert dispatches.poll(dispatch_id=dispatch_id) == "delivered"
    status = staff_api.get(f"/api/v1/dispatches/{dispatch_id}").json()
    assert (status["status"], status["cost"], status["proof_available"]) == ("delivered", "5.36", True)
    proof = staff_api.get(f"/api/v1/dispatches/{dispatch_id}/proof")
    assert proof.status_code == 200 and proof.content.startswith(b"%PDF")
    assert list(Dispatch.objects.get(pk=dispatch_id).history.values_list("to_status", flat=True)) == [
        "pending", "submitted", "posted", "delivered"]
    assert OutboxEvent.objects.filter(name="logistics.dispatch.delivered.v1").count() == 1


def test_the_formal_notice_is_posted_and_its_proof_appears_in_the_dunning_history(seller, fake_carrier, staff_api,
                                                                                     run_subscribers):
    client = CompanyClientFactory(company_name="Dupont Frères SARL", email="", address_line="12 rue de la République",
                                  postal_code="69003", city="Lyon", vat_number="FR40123456824")
    invoice = invoicing.invoice_issue(invoice_id=draft_invoice(client=client).id, issue_date=dt.date(2026, 7, 3))
    assert dunning.run(today=dt.date(2026, 9, 3)) == 1  # 31 days overdue: the formal notice
    reminder = Reminder.objects.get(invoice=invoice)
    assert reminder.kind == "formal_notice"
    run_subscribers(names={"logistics.letter_on_formal_notice"})
    dispatch = Dispatch.objects.get(source="finance.dunning", source_id=str(reminder.id))
    assert (dispatch.kind, dispatch.invoice_id, dispatch.address_lines) == (
        "registered_ar", invoice.id, ["Dupont Frères SARL", "12 rue de la République", "69003 LYON"])
    with dispatch.document.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    dispatches.submit(dispatch_id=dispatch.id)
    fake_carrier.state.set_sending(str(dispatch.id), "delivered")
    dispatches.poll(dispatch_id=dispatch.id)
    run_subscribers(names={"logistics.formal_notice_delivered"})
    history = staff_api.get(f"/api/v1/invoices/{invoice.id}/dunning")
    assert history.status_code == 200, history.content
    row = history.json()["results"][0]
    assert (row["kind"], row["dispatch_status"], row["dispatch_cost"]) == ("formal_notice", "delivered", "5.36")
    assert row["dispatch_proof"] == Dispatch.objects.get(pk=dispatch.id).proof.name
    assert row["dispatch_id"] == str(dispatch.id)


def test_an_invoice_for_a_buyer_without_e_mail_is_posted_once(seller, run_subscribers):
    no_mail = CompanyClientFactory(company_name="Martin Bois SARL", email="", address_line="3 chemin du Moulin",
                                   postal_code="38000", city="Grenoble", vat_number="FR40123456824")
    posted = invoicing.invoice_issue(invoice_id=draft_invoice(client=no_mail).id)
    mailed = invoicing.invoice_issue(invoice_id=draft_invoice(client=CompanyClientFactory(
        email="compta@client.fr", address_line="1 rue Haute", postal_code="75001", city="Paris", vat_number="FR40123456824")).id)
    run_subscribers(names={"logistics.letter_on_invoice_issued"})
    dispatch = Dispatch.objects.get()
    assert (dispatch.kind, dispatch.invoice_id, dispatch.source) == ("simple", posted.id, "finance.invoice")
    assert dispatch.address_lines == ["Martin Bois SARL", "3 chemin du Moulin", "38000 GRENOBLE"]
    assert not Dispatch.objects.filter(invoice_id=mailed.id).exists()
