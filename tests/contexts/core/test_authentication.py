"""JWT bound to the tenant, API keys, customers apart from staff, throttles, login lockout,
and the OpenAPI description of it all."""
import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django_tenants.utils import tenant_context

from contexts.core import auth
from contexts.core.models import ApiKey, Customer
from tests.conftest import make_api_client
from tests.factories.core import StaffFactory

PASSWORD = "pass-Comptoir-2026"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


# --- JWT ---------------------------------------------------------------------------------------

def test_staff_logs_in_and_uses_the_token(api):
    StaffFactory(username="manon", role="manager")
    tokens = _login(api, "manon").json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get("/api/v1/clients/").status_code == 200


def test_a_token_of_tenant_a_is_refused_on_tenant_b_even_for_the_same_user_id(api, other_tenant):
    StaffFactory(username="manon", role="owner")
    with tenant_context(other_tenant):
        StaffFactory(username="manon", role="owner")
    tokens = _login(api, "manon").json()
    beta = make_api_client(host="beta.testserver")
    beta.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    with tenant_context(other_tenant):
        response = beta.get("/api/v1/clients/")
    assert response.status_code == 401
    with tenant_context(other_tenant):
        refresh = make_api_client(host="beta.testserver").post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refresh.status_code == 401


def test_same_user_id_in_both_tenants_cannot_cross(api, other_tenant):
    # Force the same primary key in both schemas: only the tenant claim tells them apart.
    with tenant_context(other_tenant):
        beta_user = StaffFactory(username="intrus", role="owner")
    StaffFactory(id=beta_user.pk, username="manon", role="viewer")
    token = auth.staff_tokens(beta_user)  # minted while alpha is active...
    token["tenant"] = "beta"             # ...for beta, as beta's login would
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.access_token}")
    assert api.get("/api/v1/clients/").status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_is_dead(api):
    StaffFactory(username="manon", role="viewer")
    first = _login(api, "manon").json()
    second = api.post("/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert second.status_code == 200 and second.json()["refresh"] != first["refresh"]
    again = api.post("/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert again.status_code == 401


def test_logout_revokes_the_refresh_token(api):
    StaffFactory(username="manon", role="viewer")
    tokens = _login(api, "manon").json()
    assert api.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json").status_code == 205
    assert api.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_bad_login_input_names_the_field(api):
    response = api.post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400 and "password" in response.json()["error"]["fields"]


# --- brute force -------------------------------------------------------------------------------

def test_login_lockout_stops_guessing_and_expires(api, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    StaffFactory(username="manon", role="viewer")
    for _ in range(3):
        assert _login(api, "manon", "wrong").status_code == 401
    locked = _login(api, "manon")  # even the right password, while locked
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_attempts"
    # The lock is a cache entry with a TTL; when it lapses the real user gets in again.
    cache.clear()
    assert _login(api, "manon").status_code == 200


def test_lockout_of_one_user_does_not_lock_another(api, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    StaffFactory(username="manon", role="viewer")
    StaffFactory(username="paul", role="viewer")
    for _ in range(2):
        _login(api, "manon", "wrong")
    assert _login(api, "manon").status_code == 429
    assert _login(api, "paul").status_code == 200


def test_admin_login_is_protected_too(tenant, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    StaffFactory(username="manon", role="owner")
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    for _ in range(2):
        browser.post("/admin/login/", {"username": "manon", "password": "wrong"})
    browser.post("/admin/login/", {"username": "manon", "password": PASSWORD})
    assert "_auth_user_id" not in browser.session


# --- API keys ----------------------------------------------------------------------------------

def _admin_creates_key(role="viewer", name="Boutique web"):
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="owner"))
    response = browser.post("/admin/core/apikey/add/", {"name": name, "role": role}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    key = next(part for m in shown for part in m.split() if part.startswith("ck_"))
    return key, ApiKey.objects.get(name=name)


def test_api_key_is_shown_once_stored_hashed_and_works_for_its_role(api):
    key, stored = _admin_creates_key(role="viewer")
    assert key.split("_", 2)[2] not in stored.secret_hash and len(stored.secret_hash) == 64
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get("/api/v1/clients/").status_code == 200
    assert api.post("/api/v1/clients/", {"kind": "person", "last_name": "Roux"}, format="json").status_code == 403
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="owner"))
    page = browser.get(f"/admin/core/apikey/{stored.pk}/change/")
    assert key.encode() not in page.content


def test_revoked_or_wrong_api_key_is_refused(api):
    key, stored = _admin_creates_key()
    api.credentials(HTTP_X_API_KEY=key[:-2] + "xx")
    assert api.get("/api/v1/clients/").status_code == 401
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="owner"))
    browser.post("/admin/core/apikey/", {"action": "revoke", "_selected_action": [str(stored.pk)]})
    api.credentials(HTTP_X_API_KEY=key)
    response = api.get("/api/v1/clients/")
    assert response.status_code == 401 and "révoquée" in response.json()["error"]["message"]


def test_an_api_key_is_scoped_to_its_tenant(api, other_tenant):
    key, _ = _admin_creates_key()
    beta = make_api_client(host="beta.testserver")
    beta.credentials(HTTP_X_API_KEY=key)
    with tenant_context(other_tenant):
        assert beta.get("/api/v1/clients/").status_code == 401


# --- customers ---------------------------------------------------------------------------------

def _register(api, email="lea@exemple.fr"):
    return api.post("/api/v1/customers/register", {"email": email, "password": "Une-phrase-longue-2026", "first_name": "Léa"}, format="json")


def test_customer_registers_logs_in_and_edits_profile_and_addresses(api):
    assert _register(api).status_code == 201
    login = api.post("/api/v1/customers/login", {"email": "LEA@exemple.fr", "password": "Une-phrase-longue-2026"}, format="json")
    assert login.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert api.patch("/api/v1/customers/me", {"last_name": "Martin"}, format="json").json()["last_name"] == "Martin"
    home = api.post("/api/v1/customers/me/addresses", {"label": "Maison", "line1": "3 rue des Lilas", "postal_code": "69003", "city": "Lyon", "is_default": True}, format="json")
    assert home.status_code == 201
    work = api.post("/api/v1/customers/me/addresses", {"label": "Bureau", "line1": "1 place Bellecour", "postal_code": "69002", "city": "Lyon", "is_default": True}, format="json")
    addresses = api.get("/api/v1/customers/me/addresses").json()
    assert [(a["label"], a["is_default"]) for a in addresses] == [("Bureau", True), ("Maison", False)]
    assert api.delete(f"/api/v1/customers/me/addresses/{work.json()['id']}").status_code == 204


def test_customer_input_errors_name_the_field(api):
    assert "password" in api.post("/api/v1/customers/register", {"email": "a@b.fr", "password": "123"}, format="json").json()["error"]["fields"]
    _register(api)
    dup = _register(api, email="Lea@Exemple.fr")
    assert dup.status_code == 400 and "email" in dup.json()["error"]["fields"]
    assert Customer.objects.count() == 1


def test_customer_token_cannot_reach_staff_endpoints_and_staff_cannot_reach_customer_ones(api):
    tokens = _register(api).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get("/api/v1/clients/").status_code == 401  # not a staff token
    StaffFactory(username="manon", role="owner")
    staff = _login(make_api_client(host="alpha.testserver"), "manon").json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {staff['access']}")
    assert api.get("/api/v1/customers/me").status_code == 401


# --- throttling --------------------------------------------------------------------------------

def test_a_user_is_throttled_within_the_tenant_only(api, other_tenant, settings):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], principal="3/min")
    settings.REST_FRAMEWORK = dict(settings.REST_FRAMEWORK, DEFAULT_THROTTLE_RATES=rates)
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        user = StaffFactory(role="viewer")
        api.force_authenticate(user)
        assert [api.get("/api/v1/clients/").status_code for _ in range(4)] == [200, 200, 200, 429]
        with tenant_context(other_tenant):
            same_id = StaffFactory(id=user.pk, username=user.username, role="viewer")
            beta = make_api_client(host="beta.testserver")
            beta.force_authenticate(same_id)
            assert beta.get("/api/v1/clients/").status_code == 200
    finally:
        settings.REST_FRAMEWORK = dict(settings.REST_FRAMEWORK)
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


# --- OpenAPI -----------------------------------------------------------------------------------

def test_openapi_documents_jwt_and_api_key(tenant):
    schema = HttpClient(SERVER_NAME="alpha.testserver").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["staffJWT"]["scheme"] == "bearer"
    assert schemes["apiKey"]["type"] == "apiKey"
    assert schemes["customerJWT"]["bearerFormat"] == "JWT"
    assert "/api/v1/auth/token/" in schema["paths"]


# --- behind a reverse proxy: locks per (username, address), addresses through trusted proxies ---

PROXY = "10.0.0.7"


def _login_from(api, username, password=PASSWORD, *, client_ip, via_proxy=True):
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{client_ip}, {PROXY}"} if via_proxy else {
        "REMOTE_ADDR": client_ip}
    return api.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json", **headers)


def test_behind_a_trusted_proxy_a_guesser_locks_only_their_own_tries(api, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_LOCKOUT_ATTEMPTS = 5
    settings.LOGIN_ADDRESS_FAILURES = 100
    StaffFactory(username="manon", role="viewer")
    StaffFactory(username="paul", role="viewer")
    for _ in range(20):
        _login_from(api, "manon", "wrong", client_ip="203.0.113.9")
    assert _login_from(api, "manon", client_ip="203.0.113.9").status_code == 429  # the guesser's pair
    assert _login_from(api, "manon", client_ip="198.51.100.4").status_code == 200  # manon, from her desk
    assert _login_from(api, "paul", client_ip="198.51.100.5").status_code == 200   # paul, same proxy
    assert _login_from(api, "paul", client_ip="203.0.113.9").status_code == 200    # even from that address


def test_an_address_with_many_failures_is_slowed_down_not_everyone_behind_the_proxy(api, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.LOGIN_ADDRESS_FAILURES = 20
    settings.LOGIN_SLOWDOWN_SECONDS = 60
    StaffFactory(username="paul", role="viewer")
    for n in range(20):
        _login_from(api, f"user{n}", "wrong", client_ip="203.0.113.9")
    assert _login_from(api, "paul", "wrong", client_ip="203.0.113.9").status_code == 401  # one try passes
    slowed = _login_from(api, "paul", client_ip="203.0.113.9")
    assert slowed.status_code == 429 and slowed.json()["error"]["code"] == "too_many_attempts"
    assert _login_from(api, "paul", client_ip="198.51.100.5").status_code == 200  # others are not slowed


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(api, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    StaffFactory(username="manon", role="viewer")
    for n in range(3):  # a direct client pretending to be three different addresses
        api.post("/api/v1/auth/token/", {"username": "manon", "password": "wrong"}, format="json",
                 REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _login_from(api, "manon", client_ip="203.0.113.9", via_proxy=False).status_code == 429


def test_lock_keys_stay_short_whatever_the_username(api):
    from contexts.core import auth

    request = type("R", (), {"META": {"REMOTE_ADDR": "203.0.113.9"}})()
    assert len(auth._pair_key("x" * 100_000 + "\u00e9\x00 \n", request)) < 80
    long_name = _login(api, "m" * 5000, "wrong")
    assert long_name.status_code == 400 and "username" in long_name.json()["error"]["fields"]
