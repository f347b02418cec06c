"""The hostname -> tenant lookup, cached per process (issue 11: two statements less on every
request, `SET search_path = public` and the domain's SELECT).

Each process keeps the tenants it served for TENANT_CACHE_SECONDS at most; any save or delete
of an organisation or a domain bumps a version kept in the shared cache (Redis), which every
request reads (one Redis GET, no SQL): a change is seen by every process at its next request.
TENANT_CACHE_SECONDS = 0 turns the cache off (the test suite's default: its tests rewrite
tenant rows with queryset updates, which send no signal)."""
from __future__ import annotations

import copy
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django_tenants.middleware.main import TenantMainMiddleware

VERSION_KEY = "tenancy:domains:version"
CACHE_ALIAS = "shared"  # not prefixed by the current schema: one key for every process and tenant

_lock = threading.Lock()
_tenants: dict[str, tuple[object, object, float]] = {}


def _version():
    try:
        return caches[CACHE_ALIAS].get(VERSION_KEY, 0)
    except Exception:  # Redis down: no cache rather than a stale one
        return None


def invalidate(**_kwargs) -> None:
    """Organisations or domains changed: every process reads them again at its next request."""
    with _lock:
        _tenants.clear()
    try:
        cache = caches[CACHE_ALIAS]
        if not cache.add(VERSION_KEY, 1, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:
        pass


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from django_tenants.utils import get_tenant_domain_model, get_tenant_model

    for model in (get_tenant_model(), get_tenant_domain_model()):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"tenant-cache-save-{model._meta.label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"tenant-cache-delete-{model._meta.label}")


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware, with the lookup cached as described above. Each request gets
    its own copy of the tenant object (the middleware sets attributes on it)."""

    def get_tenant(self, domain_model, hostname):
        ttl = getattr(settings, "TENANT_CACHE_SECONDS", 0)
        if ttl <= 0:
            return super().get_tenant(domain_model, hostname)
        version = _version()
        hit = _tenants.get(hostname)
        if hit is not None and version is not None and hit[1] == version and hit[2] > time.monotonic():
            return copy.copy(hit[0])
        tenant = super().get_tenant(domain_model, hostname)
        if version is not None:
            with _lock:
                _tenants[hostname] = (copy.copy(tenant), version, time.monotonic() + ttl)
        return tenant
