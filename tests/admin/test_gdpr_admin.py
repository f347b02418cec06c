"""The GDPR actions of the client list: the export downloads a ZIP with the person's invoices; the
erasure first shows what is kept and why, then pseudonymises the client once confirmed."""
import io
import json
import zipfile

from django.test import Client as HttpClient

from contexts.core.models import Client, GdprRequest
from tests.factories import finance as finance_f
from tests.factories.core import PersonClientFactory, StaffFactory

URL = "/admin/core/client/"


def test_export_action_downloads_the_persons_archive(admin_browser, seller):
    client = PersonClientFactory(first_name="Zéphyrine", last_name="Quillebœuf", email="zq@exemple.fr")
    invoice = finance_f.issued_invoice(client=client)
    response = admin_browser.post(URL, {"action": "gdpr_export", "_selected_action": [str(client.pk)]})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert invoice.number in {i["number"] for i in json.loads(z.read("finance_invoices.json"))}
    assert GdprRequest.objects.get().kind == "export"


def test_erase_action_confirms_then_erases(admin_browser):
    client = PersonClientFactory(first_name="Zéphyrine", last_name="Quillebœuf", email="zq@exemple.fr")
    page = admin_browser.post(URL, {"action": "gdpr_erase", "_selected_action": [str(client.pk)]})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Code de commerce" in text and "Quillebœuf" in text
    assert Client.objects.get(pk=client.pk).last_name == "Quillebœuf"  # nothing erased before the confirmation

    done = admin_browser.post(URL, {"action": "gdpr_erase", "_selected_action": [str(client.pk)], "confirm": "yes"})
    assert done.status_code == 302
    erased = Client.objects.get(pk=client.pk)
    assert erased.last_name.startswith("anonyme-") and erased.email == ""
    assert GdprRequest.objects.get().requested_by.startswith("staff")


def test_a_manager_cannot_erase_from_the_admin(tenant):
    client = PersonClientFactory(last_name="Quillebœuf")
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="manager"))
    browser.post(URL, {"action": "gdpr_erase", "_selected_action": [str(client.pk)], "confirm": "yes"})
    assert Client.objects.get(pk=client.pk).last_name == "Quillebœuf"
