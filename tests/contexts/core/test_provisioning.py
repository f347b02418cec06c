import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from contexts.core.tenancy.models import Organisation
from contexts.core.tenancy.services import provision_tenant
from tests.conftest import make_api_client


@pytest.mark.parametrize("schema", ["public", "pg_x", "Bad-Name", "1abc", ""])
def test_reserved_or_malformed_schema_names_are_refused(public_schema, schema):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError):
        provision_tenant(schema_name=schema, name="Nope")
    assert Organisation.objects.count() == before


def test_provisioning_an_existing_tenant_is_idempotent(public_schema):
    before = Organisation.objects.count()
    result = provision_tenant(schema_name="alpha", name="Alpha Boutique SARL", domain="alpha.testserver")
    assert result.domain == "alpha.testserver"
    assert Organisation.objects.count() == before


def test_platform_tenant_list_is_for_platform_admins_only(public_schema):
    from contexts.core.accounts.models import User

    client = make_api_client(host="localhost")
    assert client.get("/api/v1/platform/tenants/").status_code in (401, 403)
    admin = User.objects.create_user("root", password="x-Comptoir-2026", is_staff=True, is_superuser=True)
    client.force_authenticate(admin)
    body = client.get("/api/v1/platform/tenants/").json()
    schemas = {t["schema_name"] for t in body["results"]}
    assert {"alpha", "beta"} <= schemas and "public" not in schemas


def test_platform_sign_up_validates_input(public_schema):
    from contexts.core.accounts.models import User

    client = make_api_client(host="localhost")
    client.force_authenticate(User.objects.create_user("root", password="x", is_staff=True, is_superuser=True))
    response = client.post("/api/v1/platform/tenants/", {"schema_name": "Bad Name", "name": "X", "admin_password": "short"}, format="json")
    assert response.status_code == 400
    assert {"schema_name", "admin_password"} <= set(response.json()["error"]["fields"])


def test_tenant_admin_does_not_expose_organisations(tenant):
    from tests.factories.core import StaffFactory

    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(is_superuser=True, role="owner"))
    assert browser.get("/admin/tenancy/organisation/").status_code == 404
    assert browser.get("/admin/").status_code == 200
