from django.test import Client as HttpClient

from contexts.finance.models import Payment
from tests.factories.core import StaffFactory
from tests.factories.finance import issued_invoice
from tests.helpers import count_queries


def _accountant(api):
    api.force_authenticate(StaffFactory(role="accountant"))
    return api


def test_card_payment_over_http_with_an_idempotency_key_charges_once(api, seller, stripe_api):
    api = _accountant(api)
    invoice = issued_invoice()
    body = {"client_id": str(invoice.client_id), "amount": "95.00", "payment_method": "pm_card_visa", "invoice_ids": [str(invoice.id)]}
    first = api.post("/api/v1/payments/card/", body, format="json", HTTP_IDEMPOTENCY_KEY="web-7781")
    second = api.post("/api/v1/payments/card/", body, format="json", HTTP_IDEMPOTENCY_KEY="web-7781")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Payment.objects.count() == 1
    assert first.json()["allocations"] == [{"invoice_id": str(invoice.id), "amount": "95.00"}]
    missing_key = api.post("/api/v1/payments/card/", body, format="json")
    assert missing_key.status_code == 400 and "idempotency_key" in missing_key.json()["error"]["fields"]
    refund = api.post(f"/api/v1/payments/{first.json()['id']}/refunds/", {"amount": "15.00"}, format="json")
    assert refund.status_code == 201 and refund.json()["refunded_amount"] == "15.00"


def test_manual_payment_schedule_and_dunning_endpoints(api, seller):
    api = _accountant(api)
    invoice = issued_invoice()
    paid = api.post("/api/v1/payments/", {"client_id": str(invoice.client_id), "method": "cheque", "amount": "40.00",
                                          "reference": "CHQ 4411"}, format="json")
    assert paid.status_code == 201 and paid.json()["status"] == "succeeded"
    bad = api.post("/api/v1/payments/", {"client_id": "x", "method": "bitcoin", "amount": "-1"}, format="json")
    assert bad.status_code == 400 and {"client_id", "method", "amount"} <= set(bad.json()["error"]["fields"])
    plan = api.post(f"/api/v1/invoices/{invoice.id}/schedule", {"installments": 3}, format="json")
    assert plan.status_code == 201 and len(plan.json()["results"]) == 3
    assert api.post(f"/api/v1/invoices/{invoice.id}/schedule", {"installments": 3}, format="json").status_code == 409
    hold = api.post(f"/api/v1/invoices/{invoice.id}/dunning", {"reason": "promise"}, format="json")
    assert hold.status_code == 400 and "until" in hold.json()["error"]["fields"]
    assert api.post(f"/api/v1/invoices/{invoice.id}/dunning", {"reason": "dispute"}, format="json").json()["hold"] == "dispute"
    assert api.get(f"/api/v1/invoices/{invoice.id}/dunning").json() == {"results": []}


def test_payment_list_has_a_fixed_query_count(api, seller):
    api = _accountant(api)
    invoice = issued_invoice()
    api.post("/api/v1/payments/", {"client_id": str(invoice.client_id), "method": "cash", "amount": "5"}, format="json")
    api.get("/api/v1/payments/")
    one = count_queries(api.get, "/api/v1/payments/?page_size=1")
    for _ in range(5):
        api.post("/api/v1/payments/", {"client_id": str(invoice.client_id), "method": "cash", "amount": "5"}, format="json")
    assert count_queries(api.get, "/api/v1/payments/?page_size=50") == one


def test_invoice_admin_shows_the_dunning_history(seller):
    import datetime as dt

    from contexts.finance.services import dunning

    invoice = issued_invoice()
    dunning.run(today=invoice.due_date + dt.timedelta(days=16))
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="accountant"))
    page = browser.get(f"/admin/finance/invoice/{invoice.pk}/change/")
    assert page.status_code == 200 and "Second rappel".encode() in page.content
