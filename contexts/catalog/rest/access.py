"""Who reads the catalog: the storefront is public (anonymous visitors and customers of the
shop); staff and API keys holding `catalog.view_product` get the richer staff view."""
from rest_framework import authentication, throttling

from crm.rest.authentication import ApiKeyAuthentication, ShopperOrStaffJWT

STOREFRONT_AUTHENTICATION = [ShopperOrStaffJWT, ApiKeyAuthentication, authentication.SessionAuthentication]


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
