"""The sales API (/api/v1/sales/...): idempotent tickets, refusals naming the field, roles."""
import uuid

import pytest

from contexts.pos.models import Ticket
from tests.conftest import make_api_client
from tests.factories import pos as f
from tests.factories.core import StaffFactory


@pytest.fixture
def shop(tenant):
    reg = f.register()
    scarf = f.stocked_variant(reg.location_id, quantity=10, price="29.90")
    return reg, scarf


def _client(tenant, user):
    c = make_api_client(tenant)
    c.force_authenticate(user)
    return c


def _open(tenant, reg, user):
    r = _client(tenant, user).post("/api/v1/sales/sessions", {"register_id": str(reg.id), "opening_float": "100.00"},
                                   format="json")
    assert r.status_code == 201, r.json()
    return r.json()["id"]


def _sale(session_id, scarf, **extra):
    return {"session_id": session_id, "lines": [{"variant_id": str(scarf.id), "quantity": 1}],
            "tenders": [{"method": "cash", "amount": "50.00"}], **extra}


def test_a_transaction_is_created_once_per_uuid(tenant, shop):
    reg, scarf = shop
    cashier = f.cashier()
    sid = _open(tenant, reg, cashier)
    api = _client(tenant, cashier)
    key = str(uuid.uuid4())
    first = api.post("/api/v1/sales/transactions", _sale(sid, scarf, uuid=key), format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["total"] == "29.90" and body["change_given"] == "20.10" and body["number"] == 1
    assert body["cashier_id"] == cashier.pk and body["lines"][0]["unit_price"] == "29.9000"
    again = api.post("/api/v1/sales/transactions", _sale(sid, scarf), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_tenders_that_do_not_cover_are_a_4xx_naming_tenders(tenant, shop):
    reg, scarf = shop
    cashier = f.cashier()
    sid = _open(tenant, reg, cashier)
    r = _client(tenant, cashier).post("/api/v1/sales/transactions",
                                      _sale(sid, scarf, uuid=str(uuid.uuid4()), tenders=[{"method": "cash", "amount": "5.00"}]),
                                      format="json")
    assert r.status_code == 400 and "tenders" in r.json()["error"]["fields"]


@pytest.mark.parametrize("payload, field", [
    ({"lines": []}, "lines"),
    ({"lines": [{"variant_id": "nope", "quantity": 1}]}, "lines"),
    ({"tenders": [{"method": "bitcoin", "amount": "50"}]}, "tenders"),
    ({"tenders": [{"method": "card", "amount": "29.90"}]}, "tenders[0].reference"),
    ({"ticket_discount": "5.00"}, "discount"),
    ({"customer_id": str(uuid.uuid4())}, "customer_id"),
    ({"session_id": str(uuid.uuid4())}, "session_id"),
    ({"uuid": "not-a-uuid"}, "uuid"),
])
def test_bad_input_is_a_4xx_naming_the_field(tenant, shop, payload, field):
    reg, scarf = shop
    cashier = f.cashier()
    sid = _open(tenant, reg, cashier)
    body = {**_sale(sid, scarf, uuid=str(uuid.uuid4())), **payload}
    if field == "discount":
        body["tenders"] = [{"method": "cash", "amount": "30.00"}]
    r = _client(tenant, cashier).post("/api/v1/sales/transactions", body, format="json")
    assert 400 <= r.status_code < 500, r.content
    assert field in str(r.json()["error"].get("fields", {})), r.json()


def test_a_manager_pin_approves_a_discount(tenant, shop):
    reg, scarf = shop
    f.manager(pin="2468")
    cashier = f.cashier()
    sid = _open(tenant, reg, cashier)
    api = _client(tenant, cashier)
    wrong = api.post("/api/v1/sales/transactions", _sale(sid, scarf, uuid=str(uuid.uuid4()), ticket_discount="9.90",
                                                         manager_pin="1111"), format="json")
    assert wrong.status_code == 403 and "manager_pin" in wrong.json()["error"]["fields"]
    ok = api.post("/api/v1/sales/transactions", _sale(sid, scarf, uuid=str(uuid.uuid4()), ticket_discount="9.90",
                                                      manager_pin="2468"), format="json")
    assert ok.status_code == 201 and ok.json()["total"] == "20.00"


def test_returns_history_receipt_and_roles(tenant, shop):
    reg, scarf = shop
    cashier, viewer, boss = f.cashier(), StaffFactory(role="viewer"), f.manager()
    sid = _open(tenant, reg, cashier)
    api = _client(tenant, cashier)
    sale = api.post("/api/v1/sales/transactions", _sale(sid, scarf, uuid=str(uuid.uuid4())), format="json").json()
    without = api.post("/api/v1/sales/returns", {"session_id": sid, "uuid": str(uuid.uuid4()), "refund_method": "cash",
                                                 "lines": [{"variant_id": str(scarf.id), "quantity": 1}]}, format="json")
    assert without.status_code == 403
    ret = api.post("/api/v1/sales/returns", {"session_id": sid, "uuid": str(uuid.uuid4()), "original_ticket_id": sale["id"],
                                             "refund_method": "original", "lines": [{"line_id": sale["lines"][0]["id"]}]},
                   format="json")
    assert ret.status_code == 201 and ret.json()["total"] == "-29.90"
    as_boss = _client(tenant, boss).post("/api/v1/sales/returns", {
        "session_id": sid, "uuid": str(uuid.uuid4()), "refund_method": "cash",
        "lines": [{"variant_id": str(scarf.id), "quantity": 1}]}, format="json")
    assert as_boss.status_code == 201

    reader = _client(tenant, viewer)
    history = reader.get(f"/api/v1/sales/history?register={reg.code}&kind=return")
    assert history.status_code == 200 and history.json()["count"] == 2
    assert reader.get(f"/api/v1/sales/history?cashier={cashier.pk}").json()["count"] == 2
    assert reader.get(f"/api/v1/sales/history?cashier={boss.pk}").json()["count"] == 1
    assert reader.get("/api/v1/sales/history?date_from=2026-13-01").status_code == 400
    receipt = reader.get(f"/api/v1/sales/receipts/{sale['id']}", HTTP_ACCEPT="application/json")
    assert receipt.status_code == 200
    r = receipt.json()
    assert r["display_number"] == f"{reg.code}-000001" and r["siren"] and r["vat"][0]["rate"] == "20.00"
    assert len(r["signature_excerpt"]) == 4 and r["duplicate_count"] == 0
    assert reader.post("/api/v1/sales/transactions", _sale(sid, scarf, uuid=str(uuid.uuid4())), format="json").status_code == 403
    check = reader.get("/api/v1/sales/journal/check")
    assert check.status_code == 200 and check.json()["ok"] and check.json()["entries"] == 3


def test_a_session_closes_with_its_z_and_the_lookup_finds_by_barcode(tenant, shop):
    reg, scarf = shop
    cashier = f.cashier()
    sid = _open(tenant, reg, cashier)
    api = _client(tenant, cashier)
    found = api.get(f"/api/v1/sales/lookup?code={scarf.ean13}")
    assert found.status_code == 200 and found.json()["match"] == "exact"
    assert found.json()["results"][0]["unit_price"] == "29.90"
    assert api.get("/api/v1/sales/lookup?code=").status_code == 400
    api.post("/api/v1/sales/transactions", _sale(sid, scarf, uuid=str(uuid.uuid4())), format="json")
    summary = api.get(f"/api/v1/sales/sessions/{sid}").json()
    assert summary["tickets"] == 1 and {"method": "cash", "amount": "129.90"} in summary["expected"]
    z = api.post(f"/api/v1/sales/sessions/{sid}/close", {"counted": {"cash": "130.00"}}, format="json")
    assert z.status_code == 201 and z.json()["difference"] == {"cash": "0.10"}
    again = api.post(f"/api/v1/sales/sessions/{sid}/close", {"counted": {"cash": "130.00"}}, format="json")
    assert again.status_code == 409 and "session_id" in again.json()["error"]["fields"]


@pytest.mark.parametrize("path, payload, field", [
    ("/api/v1/sales/sessions", {"register_id": "x", "opening_float": "10"}, "register_id"),
    ("/api/v1/sales/sessions", {"register_id": None, "opening_float": "-1"}, "opening_float"),
    ("/api/v1/sales/returns", {"session_id": "SID", "uuid": "U", "refund_method": "bitcoin", "lines": [{"quantity": 1}]},
     "refund_method"),
    ("/api/v1/sales/returns", {"session_id": "SID", "uuid": "U", "refund_method": "cash", "lines": [{"quantity": 1}]},
     "line_id"),
    ("/api/v1/sales/sessions/SID/close", {"counted": {"bitcoin": "1.00"}}, "counted.bitcoin"),
    ("/api/v1/sales/sessions/SID/close", {"counted": {"cash": "abc"}}, "counted"),
    ("/api/v1/sales/sessions/SID/close", {"counted": {"cash": "10.00"}, "denominations": {"5.00": 1}}, "counted.cash"),
])
def test_bad_input_on_sessions_and_returns_is_a_4xx_naming_the_field(tenant, shop, path, payload, field):
    reg, scarf = shop
    cashier = f.cashier()
    sid = _open(tenant, reg, cashier)
    body = {k: (sid if v == "SID" else str(uuid.uuid4()) if v == "U" else str(reg.id) if v is None else v)
            for k, v in payload.items()}
    r = _client(tenant, cashier).post(path.replace("SID", sid), body, format="json")
    assert 400 <= r.status_code < 500, r.content
    assert field in str(r.json()["error"].get("fields", {})), r.json()


def test_a_sale_publishes_its_event_with_the_ticket_s_figures(tenant, shop):
    from crm.models import OutboxEvent

    reg, scarf = shop
    cashier = f.cashier()
    sid = _open(tenant, reg, cashier)
    body = _client(tenant, cashier).post("/api/v1/sales/transactions", _sale(sid, scarf, uuid=str(uuid.uuid4())),
                                         format="json").json()
    event = OutboxEvent.objects.get(name="pos.ticket.completed.v1")
    assert event.payload["ticket_id"] == body["id"] and event.payload["total"] == "29.90"
    assert event.payload["items"] == [{"variant_id": str(scarf.id), "quantity": 1, "total": "29.90"}]


def test_the_history_runs_a_fixed_number_of_queries_whatever_the_page_size(tenant, shop):
    from tests.helpers import count_queries

    reg, scarf = shop
    sess = f.session(reg)
    for _ in range(12):
        f.sale(sess, [(scarf, 1)])
    api = _client(tenant, StaffFactory(role="viewer"))
    assert api.get("/api/v1/sales/history?page_size=1").status_code == 200
    small = count_queries(api.get, "/api/v1/sales/history?page_size=1")
    large = count_queries(api.get, "/api/v1/sales/history?page_size=12")
    assert small == large
