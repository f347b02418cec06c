from django.test import Client as HttpClient

from tests.factories.core import StaffFactory
from tests.factories.finance import draft_invoice, issued_invoice
from tests.helpers import count_queries


def _browser():
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(is_superuser=True, role="owner"))
    return browser


def test_invoice_admin_list_runs_a_bounded_number_of_queries(seller):
    browser = _browser()
    issued_invoice()
    few = count_queries(browser.get, "/admin/finance/invoice/")
    for _ in range(8):
        issued_invoice()
    assert count_queries(browser.get, "/admin/finance/invoice/") == few


def test_issued_invoice_change_page_is_read_only_and_cannot_be_deleted(seller):
    browser = _browser()
    invoice = issued_invoice()
    page = browser.get(f"/admin/finance/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    assert b'name="notes"' not in page.content
    assert browser.get(f"/admin/finance/invoice/{invoice.pk}/delete/").status_code == 403


def test_issue_action_numbers_drafts(seller):
    browser = _browser()
    draft = draft_invoice()
    response = browser.post("/admin/finance/invoice/", {"action": "issue_selected", "_selected_action": [str(draft.pk)]}, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "issued" and draft.number.startswith("FA-")
