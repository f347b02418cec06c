"""Tenancy helpers over django-tenants: the contexts and the kernel ask here which tenant is
active and switch schemas through here, never through django-tenants itself."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context, tenant_context


def current_schema() -> str:
    return connection.schema_name


def public_schema() -> str:
    return get_public_schema_name()


def is_public() -> bool:
    return connection.schema_name == get_public_schema_name()


def tenant_exists(schema_name) -> bool:
    """Whether `schema_name` (anything, e.g. from a webhook's metadata) names a tenant."""
    if not isinstance(schema_name, str) or not schema_name or schema_name == get_public_schema_name():
        return False
    with schema_context(get_public_schema_name()):
        return get_tenant_model().objects.filter(schema_name=schema_name).exists()


@contextmanager
def in_public() -> Iterator[None]:
    """The platform's schema (organisations, subscriptions), whatever the active tenant."""
    with schema_context(get_public_schema_name()):
        yield


@contextmanager
def in_tenant(schema_name: str) -> Iterator[None]:
    """The tenant of this schema, active on the connection (its schema and its organisation)."""
    with schema_context(get_public_schema_name()):
        tenant = get_tenant_model().objects.get(schema_name=schema_name)
    with tenant_context(tenant):
        yield
