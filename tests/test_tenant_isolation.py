"""Two tenants never see each other's rows: through the ORM, the admin, or the API."""
import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django_tenants.utils import tenant_context

from contexts.core.models import Client
from tests.conftest import make_api_client
from tests.factories.core import PersonClientFactory, StaffFactory


def test_orm_rows_stay_in_their_tenant(tenant, other_tenant):
    mine = PersonClientFactory(last_name="Dupont")
    assert Client.objects.filter(pk=mine.pk).exists()
    with tenant_context(other_tenant):
        assert not Client.objects.filter(pk=mine.pk).exists()
        theirs = PersonClientFactory(last_name="Martin")
    assert not Client.objects.filter(pk=theirs.pk).exists()
    assert list(Client.objects.values_list("last_name", flat=True)) == ["Dupont"]


def test_admin_lists_only_own_tenant_clients(tenant, other_tenant):
    PersonClientFactory(last_name="Alphaclient")
    alpha_owner = StaffFactory(username="owner", is_superuser=True, role="owner")
    with tenant_context(other_tenant):
        PersonClientFactory(last_name="Betaclient")
        beta_owner = StaffFactory(username="owner", is_superuser=True, role="owner")

    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(alpha_owner)
    page = browser.get("/admin/core/client/")
    assert page.status_code == 200
    assert b"Alphaclient" in page.content and b"Betaclient" not in page.content

    with tenant_context(other_tenant):
        beta_browser = HttpClient(SERVER_NAME="beta.testserver")
        beta_browser.force_login(beta_owner)
        page = beta_browser.get("/admin/core/client/")
    assert page.status_code == 200
    assert b"Betaclient" in page.content and b"Alphaclient" not in page.content


def test_a_session_from_one_tenant_is_refused_on_another(tenant, other_tenant):
    alpha_owner = StaffFactory(username="owner", is_superuser=True, role="owner")
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(alpha_owner)
    cookie = browser.cookies["sessionid"].value
    assert browser.get("/admin/core/client/").status_code == 200

    with tenant_context(other_tenant):
        intruder = HttpClient(SERVER_NAME="beta.testserver")
        intruder.cookies["sessionid"] = cookie
        assert intruder.get("/admin/core/client/").status_code == 302  # to the login page
        assert make_api_client(host="beta.testserver").get("/api/v1/clients/", HTTP_COOKIE=f"sessionid={cookie}").status_code in (401, 403)


def test_api_lists_only_own_tenant_clients(staff_api, other_tenant):
    PersonClientFactory(last_name="Alphaclient")
    with tenant_context(other_tenant):
        PersonClientFactory(last_name="Betaclient")
    body = staff_api.get("/api/v1/clients/").json()
    assert [c["last_name"] for c in body["results"]] == ["Alphaclient"]


def test_api_cannot_fetch_another_tenants_row_by_id(staff_api, other_tenant):
    with tenant_context(other_tenant):
        theirs = PersonClientFactory()
    response = staff_api.get(f"/api/v1/clients/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_cache_keys_carry_the_tenant(tenant, other_tenant):
    cache.set("greeting", "bonjour alpha", 30)
    try:
        with tenant_context(other_tenant):
            assert cache.get("greeting") is None
            cache.set("greeting", "bonjour beta", 30)
        assert cache.get("greeting") == "bonjour alpha"
    finally:
        cache.delete("greeting")
        with tenant_context(other_tenant):
            cache.delete("greeting")


@pytest.mark.parametrize("host", ["unknown.testserver", "alpha.example.org"])
def test_unknown_host_is_not_served(db, host):
    assert HttpClient(SERVER_NAME=host).get("/admin/login/").status_code in (400, 404)
