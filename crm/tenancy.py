"""Tenancy helpers over django-tenants, so contexts never touch its internals."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context


def current_schema() -> str:
    return connection.schema_name


def is_public() -> bool:
    return connection.schema_name == get_public_schema_name()


def tenant_schemas() -> list[str]:
    with schema_context(get_public_schema_name()):
        return list(
            get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
            .order_by("schema_name").values_list("schema_name", flat=True)
        )


@contextmanager
def in_schema(schema_name: str) -> Iterator[None]:
    with schema_context(schema_name):
        yield
