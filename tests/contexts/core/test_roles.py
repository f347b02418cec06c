"""Each role: at least one action allowed and one refused, through the API and the admin."""
import pytest
from django.test import Client as HttpClient

from tests.factories.core import StaffFactory
from tests.factories.finance import issued_invoice


def _api(api, role):
    user = StaffFactory(role=role)
    api.force_authenticate(user)
    return api, user


def _browser(role):
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    user = StaffFactory(role=role)
    browser.force_login(user)
    return browser, user


NEW_CLIENT = {"kind": "person", "last_name": "Morel"}

# role -> (allowed request, refused request), each (method, path, expected status)
CASES = {
    "owner": (("admin_get", "/admin/accounts/user/add/", 200), ("admin_delete_issued_invoice", None, 403)),
    "admin": (("admin_get", "/admin/accounts/user/add/", 200), ("admin_change_owner", None, 403)),
    "manager": (("api_post", "/api/v1/clients/", 201), ("admin_get", "/admin/accounts/user/", 403)),
    "accountant": (("admin_get", "/admin/finance/invoice/", 200), ("api_post", "/api/v1/clients/", 403)),
    "sales": (("api_post", "/api/v1/clients/", 201), ("admin_get", "/admin/finance/invoice/", 403)),
    "cashier": (("api_get", "/api/v1/clients/", 200), ("admin_get", "/admin/finance/invoice/", 403)),
    "viewer": (("api_get", "/api/v1/clients/", 200), ("api_post", "/api/v1/clients/", 403)),
}


def _do(action, path, role, api):
    if action == "api_get":
        client, _ = _api(api, role)
        return client.get(path).status_code
    if action == "api_post":
        client, _ = _api(api, role)
        return client.post(path, NEW_CLIENT, format="json").status_code
    if action == "admin_get":
        browser, _ = _browser(role)
        return browser.get(path).status_code
    if action == "admin_delete_issued_invoice":
        invoice = issued_invoice()
        browser, _ = _browser(role)
        return browser.get(f"/admin/finance/invoice/{invoice.pk}/delete/").status_code
    if action == "admin_change_owner":
        owner = StaffFactory(role="owner")
        browser, _ = _browser(role)
        status = browser.post(f"/admin/accounts/user/{owner.pk}/change/",
                              {"username": owner.username, "role": "viewer", "is_active": ""}).status_code
        owner.refresh_from_db()
        assert owner.role == "owner" and owner.is_active
        return status
    raise AssertionError(action)


@pytest.mark.parametrize("role", CASES)
def test_role_allowed_action(role, api, seller):
    action, path, expected = CASES[role][0]
    assert _do(action, path, role, api) == expected


@pytest.mark.parametrize("role", CASES)
def test_role_refused_action(role, api, seller):
    action, path, expected = CASES[role][1]
    assert _do(action, path, role, api) == expected


def test_role_change_moves_the_user_to_the_new_group(tenant):
    user = StaffFactory(role="viewer")
    assert not user.has_perm("core.add_client")
    user.role = "sales"
    user.save()
    from contexts.core.accounts.models import User

    fresh = User.objects.get(pk=user.pk)  # permissions are cached per instance
    assert fresh.has_perm("core.add_client") and not fresh.has_perm("finance.change_invoice")
    assert list(fresh.groups.values_list("name", flat=True)) == ["role:sales"]


def test_nobody_edits_the_audit_trail(tenant):
    owner = StaffFactory(role="owner")
    assert owner.has_perm("crm.view_auditentry")
    assert not owner.has_perm("crm.change_auditentry") and not owner.has_perm("crm.delete_auditentry")


def test_an_admin_cannot_grant_the_owner_role(tenant):
    browser, _ = _browser("admin")
    page = browser.get("/admin/accounts/user/add/")
    assert b'value="owner"' not in page.content and b'value="manager"' in page.content
