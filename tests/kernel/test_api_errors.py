"""Bad input gets a clear 4xx naming the field, never a 500, and nothing half-written."""
import pytest

from contexts.core.models import Client


def test_missing_field_is_named(staff_api):
    response = staff_api.post("/api/v1/clients/", {"kind": "person"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "last_name" in error["fields"]
    assert Client.objects.count() == 0


def test_wrong_choice_is_named(staff_api):
    response = staff_api.post("/api/v1/clients/", {"kind": "alien", "last_name": "X"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["error"]["fields"]


def test_malformed_json_is_a_parse_error(staff_api):
    response = staff_api.post("/api/v1/clients/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_bad_uuid_in_url_is_404_not_500(staff_api):
    response = staff_api.get("/api/v1/clients/not-a-uuid/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_anonymous_gets_401_or_403_json(api):
    response = api.get("/api/v1/clients/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")


def test_database_constraint_backs_the_code(tenant):
    import pytest
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.create(kind="company", company_name="")


def test_valid_client_is_created(staff_api):
    response = staff_api.post("/api/v1/clients/", {"kind": "company", "company_name": "Atelier Lumière", "siren": "123456789"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["display_name"] == "Atelier Lumière"


def test_a_customer_token_on_a_staff_endpoint_says_why_without_a_python_repr(api):
    from tests.factories import commercial as f

    token = f.customer_token(f.customer())
    response = api.get("/api/v1/invoices/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert "ErrorDetail" not in error["message"] and "{" not in error["message"] and error["message"]


@pytest.mark.parametrize("debug", [False, True])
def test_a_write_to_an_api_path_missing_its_slash_is_a_404_naming_the_right_path(api, settings, debug):
    settings.DEBUG = debug  # with DEBUG on, Django's CommonMiddleware would raise (a 500 page)
    r = api.post("/api/v1/auth/token", {"username": "x", "password": "y"}, format="json")
    assert r.status_code == 404 and r["Content-Type"] == "application/json"
    assert r.json()["error"]["code"] == "not_found" and "/api/v1/auth/token/" in r.json()["error"]["message"]
    assert api.get("/api/v1/products").status_code == 301  # reads are still redirected
