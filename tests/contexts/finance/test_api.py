import pypdfium2

from tests.factories.core import CompanyClientFactory, StaffFactory
from tests.factories.finance import issued_invoice
from tests.helpers import count_queries

LINES = [{"label": "Pull marin", "quantity": "2", "unit_price_net": "54.1667", "vat_rate": "20"}]


def _accountant(api):
    api.force_authenticate(StaffFactory(role="accountant"))
    return api


def test_draft_issue_credit_and_pdf_over_http(api, seller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api = _accountant(api)
    client = CompanyClientFactory()
    draft = api.post("/api/v1/invoices/", {"client_id": str(client.id), "lines": LINES}, format="json")
    assert draft.status_code == 201, draft.content
    assert (draft.json()["status"], draft.json()["total_gross"]) == ("draft", "130.00")
    issued = api.post(f"/api/v1/invoices/{draft.json()['id']}/issue/")
    assert issued.status_code == 200 and issued.json()["number"].startswith("FA-")
    again = api.post(f"/api/v1/invoices/{draft.json()['id']}/issue/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invoice_issued"
    assert api.delete(f"/api/v1/invoices/{draft.json()['id']}/").status_code == 409
    credit = api.post(f"/api/v1/invoices/{draft.json()['id']}/credit-notes/", {"reason": "retour"}, format="json")
    assert credit.status_code == 201 and credit.json()["original_number"] == issued.json()["number"]
    pdf = api.get(f"/api/v1/invoices/{draft.json()['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert len(pypdfium2.PdfDocument(b"".join(pdf.streaming_content))) == 1


def test_bad_draft_input_names_the_field(api, seller):
    api = _accountant(api)
    response = api.post("/api/v1/invoices/", {"client_id": "nope", "lines": [{"label": "", "quantity": "x"}]}, format="json")
    assert response.status_code == 400
    assert {"client_id", "lines"} <= set(response.json()["error"]["fields"])
    unknown = api.post("/api/v1/invoices/", {"client_id": "6f1c7b8e-0000-4000-8000-000000000000", "lines": LINES}, format="json")
    assert unknown.status_code == 400 and "client_id" in unknown.json()["error"]["fields"]


def test_sales_cannot_issue_and_viewer_cannot_create(api, seller):
    invoice_client = CompanyClientFactory()
    api.force_authenticate(StaffFactory(role="viewer"))
    assert api.post("/api/v1/invoices/", {"client_id": str(invoice_client.id), "lines": LINES}, format="json").status_code == 403
    assert api.get("/api/v1/invoices/").status_code == 200


def test_invoice_list_has_a_fixed_query_count(api, seller):
    api = _accountant(api)
    issued_invoice()
    api.get("/api/v1/invoices/")  # warm: the user's permissions are loaded once
    one = count_queries(api.get, "/api/v1/invoices/?page_size=1")
    for _ in range(6):
        issued_invoice()
    assert count_queries(api.get, "/api/v1/invoices/?page_size=50") == one
