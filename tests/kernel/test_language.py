"""One language per API response (issue 9, item 3): the caller's Accept-Language among French
and English, French by default; DRF's messages and ours then agree. The back office stays French.
Every message of ours wrapped in gettext has its French translation in the compiled catalog."""
import ast
import gettext
import json
import pathlib
import subprocess

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from crm.i18n import api_language
from tests.factories import catalog as cat
from tests.factories import inventory as inv
from tests.factories.core import StaffFactory

ROOT = pathlib.Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "fr" / "LC_MESSAGES"
TENANT = "alpha.testserver"


@pytest.fixture
def staff(tenant):
    browser = HttpClient(SERVER_NAME=TENANT)
    browser.force_login(StaffFactory(role="owner", is_superuser=True))
    return browser


def _receipt(browser, **headers):
    """A stock receipt with one field DRF refuses (no location) and one our service refuses."""
    variant = cat.variant()
    body = {"variant_id": str(variant.id), "product_id": str(variant.product_id), "quantity": 0}
    return browser.post("/api/v1/inventory/receipts", json.dumps(body), content_type="application/json", **headers)


def _same_place_transfer(browser, **headers):
    """A transfer that DRF accepts and our service refuses."""
    place = str(inv.location().id)
    body = {"action": "request", "source_id": place, "destination_id": place,
            "lines": [{"variant_id": str(cat.variant().id), "quantity": 1}]}
    return browser.put("/api/v1/inventory/transfer", json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize("header, expected", [
    ("", "fr"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("de-DE, en;q=0.5", "en"), ("fr-CA", "fr"),
    ("de", "fr"), ("*", "fr"), ("en;q=0.1, fr;q=0.9", "fr"), ("garbage;;q=x", "fr"),
])
def test_the_api_language_is_the_first_supported_one_the_caller_asks_for(header, expected):
    assert api_language(header) == expected


def test_without_accept_language_errors_are_french_from_drf_and_from_us(staff):
    drf = _receipt(staff)
    assert drf.status_code == 400 and drf["Content-Language"] == "fr"
    body = drf.json()["error"]
    assert body["message"] == "Données invalides."
    assert body["fields"]["location_id"] == ["Ce champ est obligatoire."]

    ours = _same_place_transfer(staff)
    assert ours.status_code == 400 and ours["Content-Language"] == "fr"
    assert ours.json()["error"]["fields"]["destination_id"] == ["La source et la destination doivent différer."]


def test_with_accept_language_english_every_message_is_english(staff):
    drf = _receipt(staff, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert drf["Content-Language"] == "en" and "Accept-Language" in drf["Vary"]
    body = drf.json()["error"]
    assert body["message"] == "Invalid input."
    assert body["fields"]["location_id"] == ["This field is required."]

    ours = _same_place_transfer(staff, HTTP_ACCEPT_LANGUAGE="en")
    assert ours.json()["error"]["fields"]["destination_id"] == ["Source and destination differ."]


def test_a_request_in_english_does_not_leave_the_next_one_in_english(staff):
    _receipt(staff, HTTP_ACCEPT_LANGUAGE="en")
    assert _receipt(staff).json()["error"]["message"] == "Données invalides."
    not_found = HttpClient(SERVER_NAME=TENANT).get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en")
    assert not_found.status_code == 404 and not_found.json()["error"]["message"] == "Not found."


def test_the_back_office_stays_french_whatever_the_browser_asks(staff):
    page = staff.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert "Déconnexion" in page.content.decode() or "Se déconnecter" in page.content.decode()


def _our_msgids() -> dict[str, str]:
    found = {}
    for path in sorted([*ROOT.glob("contexts/**/*.py"), *ROOT.glob("crm/**/*.py"), *ROOT.glob("config/**/*.py")]):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "gettext", "gettext_lazy", "pgettext") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_message_of_ours_has_a_french_translation_in_the_compiled_catalog():
    with open(CATALOG / "django.mo", "rb") as mo:
        french = gettext.GNUTranslations(mo)
    ids = _our_msgids()
    assert len(ids) > 100
    missing = {msgid: where for msgid, where in ids.items() if french.gettext(msgid) == msgid}
    assert not missing, f"add these to locale/fr/LC_MESSAGES/django.po, then msgfmt: {missing}"


def test_the_compiled_catalog_is_the_po_file(tmp_path):
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "fresh.mo"), str(CATALOG / "django.po")], check=True)
    with open(tmp_path / "fresh.mo", "rb") as fresh, open(CATALOG / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog, \
            "run: msgfmt -o locale/fr/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.po"
