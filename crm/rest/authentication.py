"""API authentication bound to the tenant: staff and customer JWTs (a `tenant` and a `kind`
claim), API keys. The kernel knows no context: config names the functions that find an API key
or a customer (settings.COMPTOIR_AUTH_RESOLVERS), core's api provides them."""
from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from crm import revocation, tenancy

TENANT_CLAIM = "tenant"
KIND_CLAIM = "kind"


def _resolver(name: str):
    return import_string(settings.COMPTOIR_AUTH_RESOLVERS[name])


def staff_tokens(user) -> RefreshToken:
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM], refresh[KIND_CLAIM] = tenancy.current_schema(), "staff"
    return refresh


def customer_tokens(customer) -> RefreshToken:
    refresh = RefreshToken()
    refresh["customer_id"] = str(customer.pk)
    refresh[TENANT_CLAIM], refresh[KIND_CLAIM] = tenancy.current_schema(), "customer"
    return refresh


def check_token_tenant(token, *, kind: str) -> None:
    if token.get(TENANT_CLAIM) != tenancy.current_schema():
        raise InvalidToken({"detail": _("This token belongs to another organisation."), "code": "token_wrong_tenant"})
    if token.get(KIND_CLAIM) != kind:
        raise InvalidToken({"detail": _("This is not a %(kind)s token.") % {"kind": kind}, "code": "token_wrong_kind"})


class TenantJWTAuthentication(JWTAuthentication):
    """Staff access tokens: the tenant claim must be the host's tenant, the kind "staff"."""

    kind = "staff"

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        check_token_tenant(token, kind=self.kind)
        if revocation.is_revoked(token.get("jti")):  # logged out (or revoked) before it expired
            raise InvalidToken({"detail": _("This token has been revoked."), "code": "token_revoked"})
        return token


class CustomerJWTAuthentication(TenantJWTAuthentication):
    """The online shop's customers: the same checks, kind "customer", the principal from core."""

    kind = "customer"

    def get_user(self, validated_token):
        principal = _resolver("customer")(customer_id=validated_token.get("customer_id"))
        if principal is None:
            raise exceptions.AuthenticationFailed(_("No such customer."), code="customer_not_found")
        return principal


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key ck_<prefix>_<secret>` or `X-Api-Key: ...`."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        raw = header[len(self.keyword) + 1:].strip() if header.startswith(self.keyword + " ") else request.headers.get("X-Api-Key", "")
        if not raw:
            return None
        if tenancy.is_public():
            raise exceptions.AuthenticationFailed(_("API keys are valid on their organisation's host only."))
        principal = _resolver("api_key")(raw=raw)  # raises AuthenticationFailed naming what is wrong
        return principal, None

    def authenticate_header(self, request):
        return self.keyword


class ShopperOrStaffJWT(JWTAuthentication):
    """A bearer token of either kind, a customer's or a staff member's, each checked by its own
    class (tenant, kind, user). No token: anonymous. A bad token is still refused (401). For the
    views both kinds read: the storefront, an order by id, a customer's orders."""

    def authenticate(self, request):
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
