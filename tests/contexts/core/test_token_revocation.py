"""Access tokens can be revoked before they expire: logout revokes the access token too (issue 16)."""
import time

from django.core.cache import cache

from crm import revocation
from tests.conftest import make_api_client
from tests.factories.core import StaffFactory

PASSWORD = "pass-Comptoir-2026"


def _login(client, username):
    cache.clear()  # no lockout or throttle left by another test
    return client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json").json()


def test_logout_revokes_the_access_token_sent_in_the_header(api):
    StaffFactory(username="manon", role="manager")
    tokens = _login(api, "manon")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get("/api/v1/clients/").status_code == 200
    assert api.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json").status_code == 205
    refused = api.get("/api/v1/clients/")
    assert refused.status_code == 401
    assert "revoked" in str(refused.json()).lower() or "révoqué" in str(refused.json()).lower()


def test_logout_revokes_the_access_token_sent_in_the_body_and_not_another_session(api, tenant):
    StaffFactory(username="manon", role="manager")
    first, second = _login(api, "manon"), _login(api, "manon")
    other = make_api_client(tenant)
    assert other.post("/api/v1/auth/logout/", {"refresh": first["refresh"], "access": first["access"]},
                      format="json").status_code == 205
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    assert api.get("/api/v1/clients/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {second['access']}")
    assert api.get("/api/v1/clients/").status_code == 200


def test_a_revocation_lasts_as_long_as_the_token_would_have(tenant):
    now = time.time()
    assert revocation.revoke({"jti": "abc-expired", "exp": now - 1}) is False
    assert revocation.revoke({"jti": "abc-live", "exp": now + 600}) is True
    assert revocation.is_revoked("abc-live") and not revocation.is_revoked("abc-expired")
    ttl = revocation._redis().ttl(revocation._key("abc-live"))
    assert 590 <= ttl <= 601
