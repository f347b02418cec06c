"""Bad input gets a 4xx with a JSON error body, never a 500 and never an HTML page (issue 10,
item 8, and what a hostile tester tries next). One row per input; each names where it goes."""
import json
import uuid

import pytest
from django.test import Client as HttpClient

from tests.factories import catalog as cat
from tests.factories import inventory as inv
from tests.factories.core import PersonClientFactory, StaffFactory

TENANT = "alpha.testserver"


@pytest.fixture
def staff(tenant):
    browser = HttpClient(SERVER_NAME=TENANT)
    browser.force_login(StaffFactory(role="owner", is_superuser=True))
    return browser


def _post(browser, path, body, **headers):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return browser.post(path, raw, content_type="application/json", **headers)


def _is_json_4xx(response) -> bool:
    if not 400 <= response.status_code < 500:
        return False
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert body["error"]["code"] and body["error"]["message"], body
    return True


def test_an_api_key_on_the_platform_host_is_refused_not_a_500(public_schema):
    browser = HttpClient(SERVER_NAME="testserver")
    for header in ({"HTTP_AUTHORIZATION": "Api-Key ck_abc_def"}, {"HTTP_X_API_KEY": "ck_abc_def"}):
        response = browser.get("/api/v1/platform/tenants/", **header)
        assert _is_json_4xx(response), response.status_code


def test_a_stock_receipt_beyond_a_whole_number_column_names_quantity(staff):
    variant = cat.variant()
    location_id = inv.location().id
    for quantity in (2 ** 31, 10 ** 30, -(2 ** 31) - 1):
        response = _post(staff, "/api/v1/inventory/receipts", {"variant_id": str(variant.id), "product_id": str(variant.product_id),
                                                               "location_id": str(location_id), "quantity": quantity})
        assert _is_json_4xx(response) and "quantity" in response.json()["error"].get("fields", {}), response.content[:300]


def test_an_invoice_line_too_large_for_its_column_names_the_line(staff, seller):
    client = PersonClientFactory()
    response = _post(staff, "/api/v1/invoices/", {"client_id": str(client.id), "lines": [
        {"label": "Trop", "quantity": "999999999.999", "unit_price_net": "9999999999.9999", "vat_rate": "20"}]})
    assert _is_json_4xx(response), response.content[:300]
    assert "lines" in json.dumps(response.json()["error"].get("fields", {}))


def test_a_cart_session_id_with_a_nul_byte_is_a_4xx(staff):
    assert _is_json_4xx(staff.get("/api/v1/cart/abc%00def"))


def test_deeply_nested_json_is_a_parse_error_not_a_recursion_error(staff):
    response = _post(staff, "/api/v1/cart/items", "[" * 100_000 + "]" * 100_000)
    assert _is_json_4xx(response) and response.status_code == 400


def test_an_oversized_body_is_answered_in_json(staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = _post(staff, "/api/v1/cart/items", {"session_id": "x" * 5000, "variant_id": str(uuid.uuid4()), "quantity": 1})
    assert _is_json_4xx(response) and response.status_code == 413


@pytest.mark.parametrize("path", ["/api/v1/clients/0.5/", "/api/v1/nowhere", "/api/v1/orders/not-a-uuid"])
def test_an_unknown_api_path_is_a_json_404(staff, path):
    response = staff.get(path)
    assert _is_json_4xx(response) and response.status_code == 404


@pytest.mark.parametrize("body", [
    {"session_id": "s1", "variant_id": "not-a-uuid", "quantity": 1},
    {"session_id": "s1", "variant_id": str(uuid.uuid4()), "quantity": "many"},
    {"session_id": "s1", "variant_id": str(uuid.uuid4()), "quantity": 10 ** 40},
    {"session_id": "s1", "variant_id": str(uuid.uuid4()), "quantity": 1.5},
    {"session_id": ["a"], "variant_id": str(uuid.uuid4()), "quantity": 1},
    [],
    "just a string",
    {"session_id": "s1", "variant_id": str(uuid.uuid4()), "quantity": 1},  # an unknown variant
])
def test_a_cart_add_with_wrong_types_is_a_4xx(staff, body):
    assert _is_json_4xx(_post(staff, "/api/v1/cart/items", body))


def test_a_malformed_json_body_is_a_parse_error(staff):
    response = _post(staff, "/api/v1/cart/items", '{"session_id": ')
    assert _is_json_4xx(response) and response.json()["error"]["code"] == "parse_error"


def test_an_invalid_date_filter_is_a_4xx(staff):
    for query in ("issue_date_after=2026-02-30", "issue_date_after=yesterday"):
        response = staff.get(f"/api/v1/invoices/?{query}")
        assert response.status_code < 500 and response["Content-Type"].startswith("application/json")
