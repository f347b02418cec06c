"""Who may do what in the tenant's admin: every role against every add page and every change
page, and API keys, which only owners and administrators manage and which never carry more
rights than their creator (issue 10: a cashier minted an administrator's key)."""
import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client as HttpClient

from contexts.core.accounts.models import Role
from contexts.core.accounts.roles import grantable_roles, permission_codes
from contexts.core.models import ApiKey
from tests.factories.core import StaffFactory

ROLES = [r.value for r in Role]
KEY_MANAGERS = {"owner", "admin"}


@pytest.fixture(autouse=True)
def _fresh_role_cache():
    cache.clear()  # role permissions are cached per role
    yield
    cache.clear()


def _browser(role: str) -> HttpClient:
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role=role))
    return browser


def _tenant_models():
    return [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.mark.parametrize("role", ROLES)
def test_only_owners_and_administrators_reach_the_api_key_pages(tenant, role):
    browser = _browser(role)
    expected = 200 if role in KEY_MANAGERS else 403
    assert browser.get("/admin/core/apikey/add/").status_code == expected
    assert browser.get("/admin/core/apikey/").status_code == expected
    key = ApiKey.objects.create(name="caisse", role="viewer", prefix=f"p{role[:6]}", secret_hash="x")
    assert browser.get(f"/admin/core/apikey/{key.pk}/change/").status_code == expected


@pytest.mark.parametrize("role", ["cashier", "sales", "manager", "accountant", "viewer"])
def test_no_other_role_can_post_an_administrator_key(tenant, role):
    browser = _browser(role)
    response = browser.post("/admin/core/apikey/add/", {"name": "escalade", "role": "admin"})
    assert response.status_code == 403
    assert not ApiKey.objects.filter(name="escalade").exists()


def test_an_administrator_mints_keys_up_to_their_own_rights_never_an_owner_key(tenant):
    browser = _browser("admin")
    page = browser.get("/admin/core/apikey/add/").content.decode()
    assert 'value="admin"' in page and 'value="owner"' not in page
    refused = browser.post("/admin/core/apikey/add/", {"name": "proprio", "role": "owner"})
    assert refused.status_code == 200 and not ApiKey.objects.filter(name="proprio").exists()  # the form says no
    browser.post("/admin/core/apikey/add/", {"name": "compta", "role": "accountant"})
    assert ApiKey.objects.get(name="compta").role == "accountant"


@pytest.mark.parametrize("role", ROLES)
def test_a_role_grants_keys_only_within_its_own_permissions(tenant, role):
    mine = permission_codes(role)
    for granted in grantable_roles(role):
        assert permission_codes(granted) <= mine
    assert "owner" not in grantable_roles(role)
    if role in {"cashier", "sales", "viewer"}:
        assert "admin" not in grantable_roles(role) and "manager" not in grantable_roles(role)


@pytest.mark.parametrize("role", ROLES)
def test_every_add_and_change_page_answers_as_the_role_allows_and_never_fails(tenant, role):
    """Each registered model's add page and the change page of one existing row answer 200 when
    the role holds the permission (and the admin allows adding at all), 403 otherwise."""
    user = StaffFactory(role=role)
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(user)
    codes = permission_codes(role)
    for model, model_admin in admin.site._registry.items():
        app, name = model._meta.app_label, model._meta.model_name
        add = browser.get(f"/admin/{app}/{name}/add/")
        assert add.status_code < 500, (role, app, name)
        if f"{app}.add_{name}" not in codes:
            assert add.status_code == 403, (role, app, name, add.status_code)
        row = model._default_manager.order_by().first()
        if row is not None:
            change = browser.get(f"/admin/{app}/{name}/{row.pk}/change/")
            assert change.status_code < 500, (role, app, name)
            if not ({f"{app}.view_{name}", f"{app}.change_{name}"} & codes):
                assert change.status_code in (302, 403), (role, app, name, change.status_code)
        if (app, name) == ("core", "apikey"):
            assert (add.status_code == 200) == (role in KEY_MANAGERS), (role, add.status_code)


def test_a_key_minted_before_the_fix_keeps_only_its_creators_rights(tenant, api):
    """yanis (cashier... or a viewer) minted an administrator's key before owners and admins alone
    could: when used, it holds only what its creator's role also grants."""
    from contexts.core.accounts import api_keys

    key, prefix, secret_hash = api_keys.new_api_key()
    ApiKey.objects.create(name="ancienne", role="admin", prefix=prefix, secret_hash=secret_hash,
                          created_by=StaffFactory(role="viewer"))
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get("/api/v1/clients/").status_code == 200
    assert api.post("/api/v1/clients/", {"kind": "person", "last_name": "Roux"}, format="json").status_code == 403
