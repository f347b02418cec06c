"""The storefront's server-side cache (issue 11): the catalog part of the public reads (a page of
the product list, a product, the category tree, a search), kept per tenant in Redis and
invalidated by a per-tenant catalog version.

- The version is a random token kept in the shared cache under the tenant's schema
  (`catalog:<schema>:storefront-version`). Every write that changes what the storefront shows
  replaces it *after commit*, once per transaction: `mark_changed()` registers one
  `transaction.on_commit` callback per transaction and schema. Saves and deletes of the catalog's
  models (products, variants, images, categories, VAT classes, price lists and their items,
  promotions and their variants, whatever the path: services, admin, AI content accepted,
  WooCommerce imports) call it through signals (`connect()`, as the audit trail and the tenant
  cache do); the services that write with QuerySet.update() (no signal) call it themselves. A
  rolled-back transaction replaces nothing: the pages cached before it stay valid.
- A cached entry's key holds the version read *before* the database was read: a page filled from
  data older than a commit is stored under the old version, which nobody asks for any more.
- Entries live STOREFRONT_CACHE_SECONDS at most (60 by default; 0 turns the cache off, the test
  suite's default): a bound on what a write made outside the services and models (a raw SQL
  statement in a shell) or a lost bump (Redis down at that instant) can leave.
- Keys of the default cache carry the schema (django-tenants' KEY_FUNCTION) and the version is
  a random token per tenant: two tenants never share an entry.
- Stock is never cached here: the storefront's availability levels are read on every request
  (one query) and merged into the cached catalog part; they are part of the ETag.
"""
from __future__ import annotations

import hashlib
import json
import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)

FORMAT = 1  # bump when a cached entry's shape changes (a deploy then never reads an old one)
PAGE_CACHE = "default"  # keys prefixed by the current schema
VERSION_CACHE = "shared"  # the version key names its schema itself: bumped after commit, from any schema
# Catalog models whose rows the storefront never shows (AI jobs and settings, the search-word
# dictionary written with the products it comes from).
UNSHOWN_MODELS = {"catalog.generationjob", "catalog.aisettings", "catalog.searchword"}


def seconds() -> int:
    return int(getattr(settings, "STOREFRONT_CACHE_SECONDS", 0) or 0)


def enabled() -> bool:
    return seconds() > 0


def _version_key(schema: str) -> str:
    return f"catalog:{schema}:storefront-version"


def version(schema: str | None = None) -> str | None:
    """The tenant's catalog version (created on first use); None when Redis cannot be reached
    (the caller then reads the database, uncached)."""
    schema = schema or connection.schema_name
    try:
        cache = caches[VERSION_CACHE]
        current = cache.get(_version_key(schema))
        if current is None:
            cache.add(_version_key(schema), uuid.uuid4().hex, timeout=None)
            current = cache.get(_version_key(schema))
        return current
    except Exception:  # Redis down: no cache rather than a stale one
        log.warning("storefront cache: version unreadable", exc_info=True)
        return None


class _Bump:
    """The on-commit callback of one transaction for one schema (recognised by mark_changed)."""

    def __init__(self, schema: str):
        self.schema = schema

    def __call__(self):
        invalidate(self.schema)


def invalidate(schema: str | None = None) -> None:
    """Replaces the tenant's catalog version now: every cached entry of the tenant is dropped."""
    schema = schema or connection.schema_name
    try:
        caches[VERSION_CACHE].set(_version_key(schema), uuid.uuid4().hex, timeout=None)
    except Exception:  # after commit: never fail the command; the entries expire by themselves
        log.warning("storefront cache: version not bumped for %s", schema, exc_info=True)


def mark_changed() -> None:
    """The current transaction changes what the storefront shows: the tenant's version is
    replaced once it commits (at once outside a transaction), once per transaction."""
    schema = connection.schema_name
    if connection.in_atomic_block:
        for _sids, func, *_rest in connection.run_on_commit:
            if isinstance(func, _Bump) and func.schema == schema:
                return
    transaction.on_commit(_Bump(schema), robust=True)


def _changed(sender, raw=False, **kwargs):
    if raw or sender._meta.label_lower in UNSHOWN_MODELS:
        return
    mark_changed()


def _m2m_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        mark_changed()


def connect() -> None:
    from django.apps import apps

    for model in apps.get_app_config("catalog").get_models():
        label = model._meta.label_lower
        if label in UNSHOWN_MODELS:
            continue
        post_save.connect(_changed, sender=model, dispatch_uid=f"storefront-cache-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"storefront-cache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_m2m_changed, sender=field.remote_field.through,
                                dispatch_uid=f"storefront-cache-m2m-{label}-{field.name}")


# --- entries --------------------------------------------------------------------------------

def key(kind: str, catalog_version: str, *parts) -> str:
    raw = json.dumps([FORMAT, kind, catalog_version, *[str(p) for p in parts]], separators=(",", ":"))
    return f"storefront:{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


def get(entry_key: str):
    try:
        return caches[PAGE_CACHE].get(entry_key)
    except Exception:
        log.warning("storefront cache: unreadable", exc_info=True)
        return None


def put(entry_key: str, value) -> None:
    try:
        caches[PAGE_CACHE].set(entry_key, value, timeout=seconds())
    except Exception:
        log.warning("storefront cache: not stored", exc_info=True)


def digest(data) -> str:
    """A stable digest of a JSON-able value (the catalog part of an entry)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


def etag(*parts) -> str:
    """A weak ETag of the representation: the cached part's digest, the availability levels
    merged into it and the response format."""
    return 'W/"' + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32] + '"'
