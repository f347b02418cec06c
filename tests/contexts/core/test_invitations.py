"""Staff invitations (issue 16): invited by e-mail with a role, accepted once with the link's
token (48 h), logged in with that role; the plan's seats count open invitations; audit entries."""
import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache

from contexts.core.accounts import invitations
from contexts.core.accounts.models import Invitation, User
from contexts.core.tenancy import limits
from crm.models import AuditEntry
from tests.conftest import make_api_client
from tests.factories.core import StaffFactory

PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_api(tenant):
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role="admin", username="adele"))
    return api


def _invite(api, email="nina@example.com", role="accountant", django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/invitations/", {"email": email, "role": role}, format="json")
    return response


def _token_from_mail() -> str:
    body = mail.outbox[-1].body
    return re.search(r"/invitation/(\S+)", body).group(1)


def _accept(api, token, username="nina", password=PASSWORD):
    return api.post("/api/v1/invitations/accept", {"token": token, "username": username, "password": password,
                                                    "first_name": "Nina"}, format="json")


def test_invited_accepted_and_logged_in_with_the_role(admin_api, tenant, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    created = _invite(admin_api, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending" and created.json()["role"] == "accountant"
    assert mail.outbox[-1].to == ["nina@example.com"]
    listed = admin_api.get("/api/v1/invitations/").json()["results"]
    assert [i["email"] for i in listed] == ["nina@example.com"]

    public = make_api_client(tenant)
    accepted = _accept(public, _token_from_mail())
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["role"] == "accountant"
    user = User.objects.get(username="nina")
    assert user.role == "accountant" and user.email == "nina@example.com" and user.groups.filter(name="role:accountant").exists()

    login = public.post("/api/v1/auth/token/", {"username": "nina", "password": PASSWORD}, format="json")
    assert login.status_code == 200
    public.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert public.get("/api/v1/invoices/").status_code == 200       # an accountant reads invoices
    assert public.post("/api/v1/clients/", {}, format="json").status_code == 403  # but does not write clients

    assert admin_api.get("/api/v1/invitations/").json()["results"] == []  # no longer open
    actions = list(AuditEntry.objects.filter(object_type="accounts.invitation").values_list("action", flat=True))
    assert "invite" in actions and "accept" in actions


def test_a_reused_link_is_refused_clearly(admin_api, tenant, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _invite(admin_api, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    token = _token_from_mail()
    public = make_api_client(tenant)
    assert _accept(public, token).status_code == 201
    again = _accept(public, token, username="nina2")
    assert again.status_code == 410
    assert again.json()["error"]["code"] == "invitation_used" and "token" in again.json()["error"]["fields"]
    assert not User.objects.filter(username="nina2").exists()


def test_an_expired_link_is_refused_clearly(admin_api, tenant, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc), tick=False)
    invitation, token = invitations.invite(email="nina@example.com", role="sales", invited_by=None)
    time_machine.move_to(datetime.datetime(2026, 3, 4, 9, 1, tzinfo=datetime.timezone.utc), tick=False)  # 48 h 1 min
    response = _accept(make_api_client(tenant), token)
    assert response.status_code == 410 and response.json()["error"]["code"] == "invitation_expired"
    assert not User.objects.filter(username="nina").exists()


def test_a_forged_or_revoked_link_and_a_weak_password_are_refused(admin_api, tenant):
    invitation, token = invitations.invite(email="nina@example.com", role="sales", invited_by=None)
    public = make_api_client(tenant)
    forged = _accept(public, token[:-3] + "abc")
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "invitation_invalid"
    weak = _accept(public, token, password="123")
    assert weak.status_code == 400 and "password" in weak.json()["error"]["fields"]
    assert admin_api.delete(f"/api/v1/invitations/{invitation.id}/").status_code == 200
    revoked = _accept(public, token)
    assert revoked.status_code == 410 and revoked.json()["error"]["code"] == "invitation_revoked"
    assert AuditEntry.objects.filter(object_type="accounts.invitation", action="revoke").exists()


def test_the_plan_seat_limit_counts_open_invitations(admin_api, tenant):
    seats = User.objects.filter(is_active=True).count() + 1
    limits.set_entitlements(schema_name=tenant.schema_name, plan_name="essentiel", max_users=seats, max_locations=None)
    assert admin_api.post("/api/v1/invitations/", {"email": "a@example.com", "role": "sales"}, format="json").status_code == 201
    refused = admin_api.post("/api/v1/invitations/", {"email": "b@example.com", "role": "sales"}, format="json")
    assert refused.status_code == 402 and "users" in refused.json()["error"]["fields"]
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("role,status", [("manager", 403), ("viewer", 403)])
def test_only_owners_and_administrators_invite(tenant, role, status):
    api = make_api_client(tenant)
    api.force_authenticate(StaffFactory(role=role))
    assert api.post("/api/v1/invitations/", {"email": "x@example.com", "role": "viewer"}, format="json").status_code == status


def test_an_administrator_cannot_invite_an_owner(admin_api):
    response = admin_api.post("/api/v1/invitations/", {"email": "x@example.com", "role": "owner"}, format="json")
    assert response.status_code == 400 and "role" in response.json()["error"]["fields"]


def test_the_link_opens_a_page_that_creates_the_account_once(tenant):
    from django.test import Client as HttpClient

    invitation, token = invitations.invite(email="nina@example.com", role="cashier", invited_by=None)
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    page = browser.get(f"/invitation/{token}")
    assert page.status_code == 200 and "nina@example.com" in page.content.decode()
    mismatch = browser.post(f"/invitation/{token}", {"username": "nina", "password": PASSWORD, "password2": "x"})
    assert mismatch.status_code == 400 and not User.objects.filter(username="nina").exists()
    done = browser.post(f"/invitation/{token}", {"username": "nina", "password": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 200 and User.objects.get(username="nina").role == "cashier"
    again = browser.get(f"/invitation/{token}")
    assert again.status_code == 410 and "déjà" in again.content.decode()
