"""Provisioning a tenant: schema, primary domain, first admin user."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from contexts.core.accounts.models import Role, User
from contexts.core.tenancy.models import Domain, Organisation, schema_name_validator
from crm import tenancy
from django.utils.translation import gettext as _

RESERVED_SCHEMAS = {"public", "information_schema", "pg_catalog", "pg_toast"}


@dataclass(frozen=True)
class ProvisionedTenant:
    schema_name: str
    domain: str
    admin_username: str


def default_domain(schema_name: str) -> str:
    return f"{schema_name.replace('_', '-')}.{settings.PLATFORM_DOMAIN}"


def provision_tenant(
    *,
    schema_name: str,
    name: str,
    domain: str | None = None,
    admin_username: str = "admin",
    admin_email: str = "",
    admin_password: str | None = None,
    verbosity: int = 1,
) -> ProvisionedTenant:
    """Creates the schema (migrated), its primary domain and an owner account. Idempotent on
    an existing schema: the domain and admin are ensured, nothing is duplicated."""
    schema_name_validator(schema_name)
    if schema_name in RESERVED_SCHEMAS or schema_name.startswith("pg_"):
        raise ValidationError({"schema_name": [_("This schema name is reserved.")]})
    domain = (domain or default_domain(schema_name)).lower()

    with tenancy.in_public():
        org = Organisation.objects.filter(schema_name=schema_name).first()
        if org is None:
            # Creating the schema runs every tenant migration (outside our transaction:
            # django-tenants migrates in its own connection state).
            org = Organisation(schema_name=schema_name, name=name)
            org.full_clean()
            org.save(verbosity=verbosity)
        with transaction.atomic():
            Domain.objects.get_or_create(domain=domain, defaults={"tenant": org, "is_primary": True})

    with tenancy.in_tenant(org.schema_name):
        with transaction.atomic():
            user = User.objects.filter(username=admin_username).first()
            if user is None:
                user = User(username=admin_username, email=admin_email, is_staff=True, is_superuser=True, role=Role.OWNER)
                if admin_password:
                    user.set_password(admin_password)
                else:
                    user.set_unusable_password()
                user.save()
    return ProvisionedTenant(schema_name=schema_name, domain=domain, admin_username=admin_username)
