"""The till's screens and JSON endpoints over HTTP (Django's client, tenant alpha): who may use
them, CSRF, a scan in a bounded number of queries, a ticket resent with its UUID counted once,
tenders not covering refused naming `tenders`, a manager's approval as a signed token, returns
from a ticket's printed number, the closing count, receipts (HTML, duplicate, PDF)."""
from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test import Client as HttpClient

from tests.factories import catalog as cf
from tests.factories import inventory as inv
from tests.factories.core import PersonClientFactory, StaffFactory

PIN = "2468"


@pytest.fixture
def till(tenant):
    from contexts.pos.services import managers, registers, sessions

    location = inv.location(kind="shop", code="lyon-2")
    registers.set_shop_identity(location_id=location.id, name="Comptoir Lyon", siret="73282932000074",
                                address_line="3 rue Mercière", postal_code="69002", city="Lyon")
    register = registers.create_register(name="Caisse A", code="lyon-a", location_id=location.id)
    scarf = cf.variant(name="Écharpe", price="30.00")
    book = cf.variant(name="Carnet", price="10.00", vat="reduit")
    for v in (scarf, book):
        inv.stocked(3, loc=location, variant_id=v.id, product_id=v.product_id)
    cashier = StaffFactory(role="cashier")
    manager = StaffFactory(role="manager")
    managers.set_manager_pin(user_id=manager.pk, pin=PIN)
    session = sessions.open_session(register_id=register.id, cashier_id=cashier.pk, opening_float=Decimal("100.00"))
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(cashier)
    return {"browser": browser, "register": register, "session": session, "scarf": scarf, "book": book,
            "cashier": cashier, "manager": manager, "location": location}


def _ticket(till, *, tenders, uid=None, discount=None, approval=None, lines=None):
    body = {"uuid": str(uid or uuid.uuid4()), "session_id": str(till["session"].id),
            "lines": lines or [{"variant_id": str(till["scarf"].id), "quantity": 1}, {"variant_id": str(till["book"].id), "quantity": 2}],
            "tenders": tenders, "ticket_discount": discount, "approval": approval}
    return till["browser"].post("/till/api/tickets", body, content_type="application/json")


def test_a_viewer_or_a_stranger_cannot_use_the_till(tenant, till):
    viewer = HttpClient(SERVER_NAME="alpha.testserver")
    viewer.force_login(StaffFactory(role="viewer"))
    assert viewer.get("/till/").status_code == 403
    assert viewer.get("/till/api/lookup?code=x").status_code == 403
    anonymous = HttpClient(SERVER_NAME="alpha.testserver")
    assert anonymous.get("/till/").status_code == 302
    assert anonymous.post("/till/api/tickets", {}, content_type="application/json").status_code in (401, 403)


def test_another_cashiers_session_is_theirs_but_a_manager_may_take_over(tenant, till):
    other = HttpClient(SERVER_NAME="alpha.testserver")
    other.force_login(StaffFactory(role="cashier"))
    assert other.get(f"/till/sessions/{till['session'].id}/").status_code == 403
    assert other.get(f"/till/sessions/{till['session'].id}/close/").status_code == 403
    boss = HttpClient(SERVER_NAME="alpha.testserver")
    boss.force_login(till["manager"])
    assert boss.get(f"/till/sessions/{till['session'].id}/close/").status_code == 200


def test_json_writes_need_the_csrf_token(tenant, till):
    strict = HttpClient(SERVER_NAME="alpha.testserver", enforce_csrf_checks=True)
    strict.force_login(till["cashier"])
    response = strict.post("/till/api/tickets", {}, content_type="application/json")
    assert response.status_code == 403


def test_a_scan_finds_the_variant_in_a_few_queries(tenant, till):
    code = till["scarf"].ean13
    till["browser"].get(f"/till/api/lookup?code={code}")  # session and user loaded once
    with CaptureQueriesContext(connection) as ctx:
        body = till["browser"].get(f"/till/api/lookup?code={code}").json()
    queries = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
    # domain, session, user; the variant by barcode; catalog pricing (variant, price lists, promotions)
    assert len(queries) <= 7, "\n".join(queries)
    assert body["match"]["variant_id"] == str(till["scarf"].id)
    assert Decimal(body["match"]["unit_price"]) == Decimal("30.00")
    by_name = till["browser"].get("/till/api/lookup?code=Carnet").json()
    assert [r["variant_id"] for r in by_name["results"]] == [str(till["book"].id)] or by_name["match"]["variant_id"] == str(till["book"].id)
    assert till["browser"].get("/till/api/lookup?code=").status_code == 400


def test_a_resent_ticket_is_counted_once(tenant, till):
    from contexts.pos.models import Ticket

    uid = uuid.uuid4()
    tenders = [{"method": "cash", "amount": "60.00", "reference": ""}]
    first = _ticket(till, tenders=tenders, uid=uid)
    assert first.status_code == 201, first.content
    again = _ticket(till, tenders=tenders, uid=uid)
    assert again.status_code in (200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert Ticket.objects.filter(uuid=uid).count() == 1
    assert first.json()["change"] == "10.00"  # 50.00 due, 60.00 given
    assert first.json()["receipt_url"].endswith("/receipt/")


def test_tenders_not_covering_the_total_are_refused_naming_tenders(tenant, till):
    response = _ticket(till, tenders=[{"method": "card", "amount": "20.00", "reference": "OK123"}])
    assert response.status_code == 400
    assert "tenders" in response.json()["error"]["fields"]


def test_bad_bodies_are_4xx_naming_the_field(tenant, till):
    post = till["browser"].post
    assert post("/till/api/tickets", "not json", content_type="application/json").json()["error"]["fields"] == {"body": ["Le corps de la requête n'est pas du JSON."]}
    response = post("/till/api/tickets", {"uuid": "x", "session_id": str(till["session"].id), "lines": [], "tenders": []},
                    content_type="application/json")
    assert response.status_code == 400 and "uuid" in response.json()["error"]["fields"]
    response = _ticket(till, tenders=[{"method": "cash", "amount": "60"}], discount="abc")
    assert response.status_code == 400 and "ticket_discount" in response.json()["error"]["fields"]


def test_a_big_discount_needs_a_managers_signed_approval(tenant, till):
    from contexts.pos.models import Ticket

    refused = _ticket(till, tenders=[{"method": "cash", "amount": "40.00"}], discount="10.00")  # 20 % of 50
    assert refused.status_code in (400, 403) and "discount" in refused.json()["error"]["fields"]
    wrong = till["browser"].post("/till/api/approvals", {"pin": "0000"}, content_type="application/json")
    assert wrong.status_code == 403 and "pin" in wrong.json()["error"]["fields"]
    granted = till["browser"].post("/till/api/approvals", {"pin": PIN}, content_type="application/json").json()
    assert granted["manager"]
    ok = _ticket(till, tenders=[{"method": "cash", "amount": "40.00"}], discount="10.00", approval=granted["approval"])
    assert ok.status_code == 201, ok.content
    assert Ticket.objects.get(pk=ok.json()["id"]).approved_by_id == till["manager"].pk
    forged = _ticket(till, tenders=[{"method": "cash", "amount": "40.00"}], discount="10.00", approval=granted["approval"] + "x")
    assert forged.status_code == 400 and "approval" in forged.json()["error"]["fields"]


def test_another_cashier_cannot_reuse_an_approval(tenant, till):
    granted = till["browser"].post("/till/api/approvals", {"pin": PIN}, content_type="application/json").json()
    other = HttpClient(SERVER_NAME="alpha.testserver")
    other_user = StaffFactory(role="cashier")
    other.force_login(other_user)
    body = {"uuid": str(uuid.uuid4()), "session_id": str(till["session"].id), "approval": granted["approval"],
            "lines": [{"variant_id": str(till["scarf"].id), "quantity": 1}], "tenders": [{"method": "cash", "amount": "20"}],
            "ticket_discount": "10.00"}
    from contexts.pos.services import registers, sessions

    own = registers.create_register(name="Caisse B", code="lyon-b", location_id=till["location"].id)
    body["session_id"] = str(sessions.open_session(register_id=own.id, cashier_id=other_user.pk,
                                                   opening_float=Decimal("0")).id)
    response = other.post("/till/api/tickets", body, content_type="application/json")
    assert response.status_code == 400 and "approval" in response.json()["error"]["fields"]
    body["session_id"] = str(till["session"].id)  # nor may they sell on another cashier's session
    response = other.post("/till/api/tickets", body, content_type="application/json")
    assert response.status_code == 400 and "session_id" in response.json()["error"]["fields"]


def test_customer_search_by_name_email_or_phone(tenant, till):
    lea = PersonClientFactory(first_name="Léa", last_name="Martin", email="lea@exemple.fr", phone="0612345678")
    PersonClientFactory(first_name="Paul", last_name="Durand", email="paul@exemple.fr")
    for q in ("martin", "lea@exe", "0612345678", "Léa Mar"):
        found = till["browser"].get(f"/till/api/customers?q={q}").json()["results"]
        assert [c["id"] for c in found] == [str(lea.id)], q
    assert till["browser"].get("/till/api/customers?q=a").status_code == 400


def test_return_one_item_from_the_printed_number(tenant, till):
    from contexts.pos.models import Ticket

    sold = _ticket(till, tenders=[{"method": "cash", "amount": "50.00"}]).json()
    found = till["browser"].get(f"/till/api/tickets/find?number={sold['number']}").json()
    assert found["id"] == sold["id"] and len(found["lines"]) == 2
    book_line = next(l for l in found["lines"] if l["variant_id"] == str(till["book"].id))
    assert book_line["returnable"] == 2
    body = {"uuid": str(uuid.uuid4()), "session_id": str(till["session"].id), "original_ticket_id": found["id"],
            "lines": [{"line_id": book_line["line_id"], "quantity": 1}], "refund_method": "original"}
    returned = till["browser"].post("/till/api/returns", body, content_type="application/json")
    assert returned.status_code == 201, returned.content
    assert Ticket.objects.get(pk=returned.json()["id"]).total == Decimal("-10.00")
    again = till["browser"].get(f"/till/api/tickets/find?number={sold['number']}").json()
    assert next(l for l in again["lines"] if l["variant_id"] == str(till["book"].id))["returnable"] == 1
    assert till["browser"].get("/till/api/tickets/find?number=lyon-a-999999").status_code == 404


def test_receipt_original_then_duplicate_and_pdf(tenant, till):
    from contexts.pos.models import JournalEntry

    sold = _ticket(till, tenders=[{"method": "card", "amount": "50.00", "reference": "AUT-991"}]).json()
    url = sold["receipt_url"]
    first = till["browser"].get(url).content.decode()
    assert "SIRET 73282932000074" in first and "AUT-991" in first and "DUPLICATA" not in first
    assert "TOTAL TTC" in first and "Signature" in first
    second = till["browser"].get(url).content.decode()
    assert "DUPLICATA" in second  # shown again: a copy, even before a reprint is asked
    till["browser"].post(url)
    assert JournalEntry.objects.filter(kind="duplicate", reference=sold["id"]).count() == 1
    pdf = till["browser"].get(url.replace("/receipt/", "/receipt.pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert JournalEntry.objects.filter(kind="duplicate", reference=sold["id"]).count() == 2


def test_opening_and_closing_a_session_with_a_count(tenant, till):
    from contexts.pos.models import CashierSession, Closing

    _ticket(till, tenders=[{"method": "cash", "amount": "50.00"}])
    browser = till["browser"]
    page = browser.get(f"/till/sessions/{till['session'].id}/close/")
    assert page.status_code == 200 and "150,00" in page.content.decode()  # 100 float + 50 cash
    response = browser.post(f"/till/sessions/{till['session'].id}/close/", {"d_100": "1", "d_20": "2", "d_5": "1",
                                                                            "d_2": "1", "counted_card": "0"})
    assert response.status_code == 302, response.content.decode()[:500]
    closing = Closing.objects.get(session=till["session"])
    assert closing.counted["cash"] == "147.00" and Decimal(closing.difference["cash"]) == Decimal("-3.00")
    assert closing.denominations == {"100.00": 1, "20.00": 2, "5.00": 1, "2.00": 1}
    z = browser.get(response["Location"]).content.decode()
    assert "Z de caisse" in z and "-3,00" in z
    assert browser.get(f"/till/sessions/{till['session'].id}/").status_code == 404  # closed
    # A new session on the register: choose it and count the float.
    opened = browser.post("/till/", {"register": str(till["register"].id), "d_50": "2", "d_0_50": "4"})
    assert opened.status_code == 302
    session = CashierSession.objects.get(register=till["register"], status="open")
    assert session.opening_float == Decimal("102.00")
    bad = browser.post("/till/", {"register": str(till["register"].id), "d_50": "-1"})
    assert bad.status_code == 400


def test_the_quote_prices_lines_as_the_ticket_will_three_for_two(tenant, till):
    """A '3 for 2' counts only from the third unit: the screen's total comes from the server."""
    from contexts.catalog.models import Promotion
    from contexts.pos.models import Ticket

    Promotion.objects.create(name="3 pour 2", kind="bxgy", buy_quantity=2, free_quantity=1)
    lines = [{"variant_id": str(till["scarf"].id), "quantity": 3}, {"variant_id": str(till["book"].id), "quantity": 1}]
    quote = till["browser"].post("/till/api/quote", {"lines": lines}, content_type="application/json").json()["lines"]
    assert [(q["total"], q["promotion"], q["promotions"]) for q in quote] == [("60.00", "30.00", ["3 pour 2"]),
                                                                             ("10.00", "0.00", [])]
    sold = _ticket(till, lines=lines, tenders=[{"method": "cash", "amount": "70.00"}])
    assert sold.status_code == 201, sold.content
    assert Ticket.objects.get(pk=sold.json()["id"]).total == Decimal("70.00")
    bad = till["browser"].post("/till/api/quote", {"lines": [{"variant_id": str(uuid.uuid4()), "quantity": 1}]},
                               content_type="application/json")
    assert bad.status_code == 400 and "lines[0].variant_id" in bad.json()["error"]["fields"]


def test_a_refund_as_store_credit_prints_the_credit_code(tenant, till):
    from contexts.pos.models import StoreCredit

    sold = _ticket(till, tenders=[{"method": "card", "amount": "50.00", "reference": "AUT-1"}]).json()
    found = till["browser"].get(f"/till/api/tickets/find?number={sold['number']}").json()
    body = {"uuid": str(uuid.uuid4()), "session_id": str(till["session"].id), "original_ticket_id": found["id"],
            "lines": [{"line_id": found["lines"][0]["line_id"], "quantity": 1}], "refund_method": "store_credit"}
    returned = till["browser"].post("/till/api/returns", body, content_type="application/json").json()
    credit = StoreCredit.objects.get(issued_by_ticket_id=returned["id"])
    page = till["browser"].get(returned["receipt_url"]).content.decode()
    assert "RETOUR" in page and f"AVOIR {credit.code}" in page and "REMBOURSÉ" in page
    bad = dict(body, uuid=str(uuid.uuid4()), refund_method="bitcoin")
    response = till["browser"].post("/till/api/returns", bad, content_type="application/json")
    assert response.status_code == 400 and "refund_method" in response.json()["error"]["fields"]


def test_a_return_without_ticket_needs_a_managers_approval(tenant, till):
    from contexts.pos.models import Ticket

    body = {"uuid": str(uuid.uuid4()), "session_id": str(till["session"].id), "original_ticket_id": None,
            "lines": [{"variant_id": str(till["book"].id), "quantity": 1}], "refund_method": "cash"}
    refused = till["browser"].post("/till/api/returns", body, content_type="application/json")
    assert refused.status_code == 403 and "approved_by_id" in refused.json()["error"]["fields"]
    wrong_purpose = till["browser"].post("/till/api/approvals", {"pin": PIN, "purpose": "discount"},
                                         content_type="application/json").json()["approval"]
    response = till["browser"].post("/till/api/returns", dict(body, approval=wrong_purpose), content_type="application/json")
    assert response.status_code == 400 and "approval" in response.json()["error"]["fields"]
    approval = till["browser"].post("/till/api/approvals", {"pin": PIN, "purpose": "return"},
                                    content_type="application/json").json()["approval"]
    done = till["browser"].post("/till/api/returns", dict(body, approval=approval), content_type="application/json")
    assert done.status_code == 201, done.content
    ticket = Ticket.objects.get(pk=done.json()["id"])
    assert ticket.total == Decimal("-10.00") and ticket.original_ticket_id is None
    assert ticket.approved_by_id == till["manager"].pk


def test_a_manager_sets_their_pin_confirming_their_password(tenant, till):
    from contexts.pos.services import managers

    boss = HttpClient(SERVER_NAME="alpha.testserver")
    boss.force_login(till["manager"])
    assert boss.post("/till/pin/", {"pin": "13579", "pin2": "13579", "password": "wrong"}).status_code == 400
    assert boss.post("/till/pin/", {"pin": "13579", "pin2": "97531", "password": "pass-Comptoir-2026"}).status_code == 400
    assert boss.post("/till/pin/", {"pin": "12", "pin2": "12", "password": "pass-Comptoir-2026"}).status_code == 400
    assert boss.post("/till/pin/", {"pin": "13579", "pin2": "13579", "password": "pass-Comptoir-2026"}).status_code == 200
    assert managers.check_manager_pin(pin="13579") == till["manager"].pk
    # A cashier has no PIN to set.
    response = till["browser"].post("/till/pin/", {"pin": "24680", "pin2": "24680", "password": "pass-Comptoir-2026"})
    assert response.status_code == 400 and managers.check_manager_pin(pin="24680") is None


def test_the_sales_api_serves_the_tills_receipt_as_html_and_pdf(tenant, till):
    from tests.conftest import make_api_client

    sold = _ticket(till, tenders=[{"method": "cash", "amount": "50.00"}]).json()
    api = make_api_client(tenant)
    api.force_authenticate(user=till["manager"])
    html = api.get(f"/api/v1/sales/receipts/{sold['id']}", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and "SIRET 73282932000074" in html.content.decode()
    pdf = api.get(f"/api/v1/sales/receipts/{sold['id']}", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert api.get(f"/api/v1/sales/receipts/{sold['id']}?format=pdf").content.startswith(b"%PDF")
    assert api.get(f"/api/v1/sales/receipts/{sold['id']}", HTTP_ACCEPT="application/json").json()["ticket_id"] == sold["id"]
    assert api.get(f"/api/v1/sales/receipts/{sold['id']}", HTTP_ACCEPT="image/png").status_code == 406
    missing = api.get(f"/api/v1/sales/receipts/{uuid.uuid4()}?format=pdf")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
