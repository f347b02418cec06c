"""Throttles; the cache keys already carry the tenant's schema (django_tenants.cache.make_key)."""
from django.conf import settings
from rest_framework import throttling

from crm import tenancy


class TenantRateThrottle(throttling.SimpleRateThrottle):
    """All requests of one tenant together: one noisy tenant cannot starve the others."""

    scope = "tenant"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": tenancy.current_schema()}


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

