"""Authentication and access for the API: staff JWT and API keys bound to their tenant,
customer JWT for the online shop, role permissions, throttles, login lockout."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from crm.audit import Actor
from django.utils.translation import gettext as _

TENANT_CLAIM = "tenant"
KIND_CLAIM = "kind"


# --- JWT bound to the tenant ------------------------------------------------------------------

def staff_tokens(user) -> RefreshToken:
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM] = connection.schema_name
    refresh[KIND_CLAIM] = "staff"
    return refresh


def check_token_tenant(token, *, kind: str) -> None:
    if token.get(TENANT_CLAIM) != connection.schema_name:
        raise InvalidToken({"detail": _("This token belongs to another organisation."), "code": "token_wrong_tenant"})
    if token.get(KIND_CLAIM) != kind:
        raise InvalidToken({"detail": _("This is not a %(kind)s token.") % {"kind": kind}, "code": "token_wrong_kind"})


class TenantJWTAuthentication(JWTAuthentication):
    """Staff access tokens: the tenant claim must be the host's tenant, the kind "staff"."""

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        check_token_tenant(token, kind="staff")
        return token


# --- API keys ---------------------------------------------------------------------------------

API_KEY_PREFIX = "ck"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_key() -> tuple[str, str, str]:
    """(full key shown once, prefix stored in clear, sha256 of the secret stored)."""
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    return f"{API_KEY_PREFIX}_{prefix}_{secret}", prefix, hash_secret(secret)


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """request.user for an API key: a role's permissions, no session, no admin."""

    key_id: str
    name: str
    role: str
    creator_role: str | None = None  # a key never has more rights than the person who made it
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_anonymous: bool = False
    kind: str = "api_key"

    @property
    def pk(self):
        return self.key_id

    def get_username(self) -> str:
        return f"api-key:{self.name}"

    @property
    def audit_actor(self) -> Actor:
        return Actor("api_key", self.key_id, self.get_username())

    def has_perm(self, perm, obj=None) -> bool:
        from contexts.core.accounts.roles import permission_codes

        if perm not in _role_codes(self.role, permission_codes):
            return False
        return self.creator_role is None or perm in _role_codes(self.creator_role, permission_codes)

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(p) for p in perms)


def _role_codes(role, compute):
    key = f"role-perms:v2:{role}"  # v2: API keys managed by owner and admin only
    codes = cache.get(key)
    if codes is None:
        codes = compute(role)
        cache.set(key, codes, 300)
    return codes


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key ck_<prefix>_<secret>` or `X-Api-Key: ...`."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        raw = header[len(self.keyword) + 1:].strip() if header.startswith(self.keyword + " ") else request.headers.get("X-Api-Key", "")
        if not raw:
            return None
        if connection.schema_name == get_public_schema_name():
            raise exceptions.AuthenticationFailed(_("API keys are valid on their organisation's host only."))
        from contexts.core.models import ApiKey

        parts = raw.split("_", 2)
        if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
            raise exceptions.AuthenticationFailed(_("Malformed API key."))
        key = ApiKey.objects.filter(prefix=parts[1]).select_related("created_by").first()
        if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(parts[2])):
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if not key.is_active:
            raise exceptions.AuthenticationFailed(_("This API key was revoked."))
        if key.last_used_at is None or (timezone.now() - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        creator = key.created_by
        creator_role = None if creator is None or creator.is_superuser else (creator.role if creator.is_active else "")
        return ApiKeyPrincipal(key_id=str(key.pk), name=key.name, role=key.role, creator_role=creator_role), key

    def authenticate_header(self, request):
        return self.keyword


# --- customers of the online shop --------------------------------------------------------------

@dataclass(frozen=True)
class CustomerPrincipal:
    customer_id: str
    email: str
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_anonymous: bool = False
    kind: str = "customer"

    @property
    def pk(self):
        return self.customer_id

    def get_username(self) -> str:
        return self.email

    @property
    def audit_actor(self) -> Actor:
        return Actor("customer", self.customer_id, self.email)

    def has_perm(self, perm, obj=None) -> bool:
        return False  # customers never hold staff permissions

    def has_perms(self, perms, obj=None) -> bool:
        return False


def customer_tokens(customer) -> RefreshToken:
    refresh = RefreshToken()
    refresh["customer_id"] = str(customer.pk)
    refresh[TENANT_CLAIM] = connection.schema_name
    refresh[KIND_CLAIM] = "customer"
    return refresh


class CustomerJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        check_token_tenant(token, kind="customer")
        return token

    def get_user(self, validated_token):
        from contexts.core.models import Customer

        customer = Customer.objects.filter(pk=validated_token.get("customer_id"), is_active=True).first()
        if customer is None:
            raise exceptions.AuthenticationFailed(_("No such customer."), code="customer_not_found")
        return CustomerPrincipal(customer_id=str(customer.pk), email=customer.email)


def customer_access_token_for(refresh: RefreshToken) -> AccessToken:
    return refresh.access_token


# --- permissions ---------------------------------------------------------------------------------

class StaffModelPermissions(permissions.DjangoModelPermissions):
    """Staff users and API keys, with the model permission of the action (view for reads)."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if getattr(user, "kind", "staff") == "customer":
            return False
        return super().has_permission(request, view)


class IsCustomer(permissions.BasePermission):
    def has_permission(self, request, view):
        return getattr(request.user, "kind", None) == "customer"


# --- throttles (cache keys already carry the tenant's schema) -------------------------------------

class TenantRateThrottle(throttling.SimpleRateThrottle):
    """All requests of one tenant together: one noisy tenant cannot starve the others."""

    scope = "tenant"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": connection.schema_name}


class PrincipalRateThrottle(throttling.SimpleRateThrottle):
    """Per user, API key or customer (per IP when anonymous), within the tenant."""

    scope = "principal"

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_cache_key(self, request, view):
        user = request.user
        if getattr(user, "is_authenticated", False):
            ident = f"{getattr(user, 'kind', 'staff')}:{user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginRateThrottle(throttling.AnonRateThrottle):
    scope = "login"


# --- login lockout --------------------------------------------------------------------------------
# Failures are counted per (username, client address) pair: a guesser locks out only their own
# tries at that name, never the real user elsewhere, nor everyone behind the same address. An
# address with many failures over any names is slowed down (one try per LOGIN_SLOWDOWN_SECONDS),
# not blocked. Addresses come from crm.net.client_address (X-Forwarded-For only through trusted
# proxies); usernames are hashed into the keys, so a key's length is bounded whatever is typed.

def _name_hash(username: str) -> str:
    return hashlib.sha256((username or "").strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _address(request) -> str:
    from crm.net import client_address

    return client_address(request) if request is not None else "-"


def _pair_key(username: str, request) -> str:
    return f"login-fail:pair:{_name_hash(username)}:{_address(request)}"


def _address_key(request) -> str:
    return f"login-fail:addr:{_address(request)}"


def is_locked(username: str, request=None) -> bool:
    return (cache.get(_pair_key(username, request)) or 0) >= settings.LOGIN_LOCKOUT_ATTEMPTS


def must_slow_down(request=None) -> bool:
    """An address past LOGIN_ADDRESS_FAILURES failures gets one try per LOGIN_SLOWDOWN_SECONDS.
    Asked once per request (the login view, then the backend, ask for the same try)."""
    if request is not None:
        if getattr(request, "_login_pace_checked", False):
            return False
        request._login_pace_checked = True
    if (cache.get(_address_key(request)) or 0) < settings.LOGIN_ADDRESS_FAILURES:
        return False
    return not cache.add(f"login-slow:{_address(request)}", 1, settings.LOGIN_SLOWDOWN_SECONDS)


def _count(key: str) -> None:
    if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def register_failure(username: str, request=None) -> None:
    _count(_pair_key(username, request))
    _count(_address_key(request))


def clear_failures(username: str, request=None) -> None:
    cache.delete(_pair_key(username, request))


class LockedOut(Exception):
    pass


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses a username with too many recent failures. The lock expires by
    itself (LOGIN_LOCKOUT_SECONDS after the first failure): an attacker cannot lock a real user
    out for good, only slow them for a while."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if is_locked(username or "", request) or must_slow_down(request):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            register_failure(username or "", request)
        else:
            clear_failures(username or "", request)
        return user

    @staticmethod
    def _username_field():
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


class ShopperOrStaffJWT(JWTAuthentication):
    """A bearer token of either kind, a customer's or a staff member's, each checked by its own
    class (tenant, kind, user). No token: anonymous. A bad token is still refused (401). For the
    views both kinds read: the storefront, an order by id, a customer's orders."""

    def authenticate(self, request):
        from rest_framework_simplejwt.exceptions import TokenError

        header = self.get_header(request)
        raw = self.get_raw_token(header) if header is not None else None
        if raw is None:
            return None
        try:
            kind = AccessToken(raw).get(KIND_CLAIM)
        except TokenError:
            kind = None  # the customer class reports the bad token in the usual words
        return (TenantJWTAuthentication if kind == "staff" else CustomerJWTAuthentication)().authenticate(request)

    def authenticate_header(self, request):
        return 'Bearer realm="shop"'
