"""Who reads the catalog: the storefront is public (anonymous visitors and customers of the
shop); staff and API keys holding `catalog.view_product` get the richer staff view."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, throttling
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from contexts.core import api as core_api

CustomerJWT, StaffJWT, ApiKeyAuth, _IsCustomer = core_api.auth_classes()


class ShopperOrStaffJWT(JWTAuthentication):
    """A bearer token of either kind: a customer's or a staff member's, each checked by its own
    class (tenant, kind, user). No token: anonymous. A bad token is still refused (401)."""

    def authenticate(self, request):
        header = self.get_header(request)
        raw = self.get_raw_token(header) if header is not None else None
        if raw is None:
            return None
        try:
            kind = AccessToken(raw).get("kind")
        except TokenError:
            kind = None  # the customer class reports the bad token in the usual words
        return (StaffJWT if kind == "staff" else CustomerJWT)().authenticate(request)

    def authenticate_header(self, request):
        return 'Bearer realm="shop"'


STOREFRONT_AUTHENTICATION = [ShopperOrStaffJWT, ApiKeyAuth, authentication.SessionAuthentication]


def is_staff_reader(request) -> bool:
    user = request.user
    return (getattr(user, "is_authenticated", False) and getattr(user, "kind", "staff") != "customer"
            and user.has_perm("catalog.view_product"))


class StorefrontAnonThrottle(throttling.SimpleRateThrottle):
    """Anonymous visitors per address within the tenant (the cache key carries the tenant's
    schema) at the `anon` rate; signed-in principals have their own throttle."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if getattr(request.user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ShopperOrStaffJWTScheme(OpenApiAuthenticationExtension):
    target_class = ShopperOrStaffJWT
    name = "shopperOrStaffJWT"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A customer's access token (POST /api/v1/customers/login) or a staff member's "
                               "(POST /api/v1/auth/token/), valid on its tenant's host only."}
