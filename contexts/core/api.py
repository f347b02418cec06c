"""The published interface of core: the only module other contexts may import (with events.py).

Keyword-only functions that check their arguments and delegate to a service or a selector,
returning plain values or the frozen data classes of data.py."""
from __future__ import annotations

import uuid

from contexts.core.data import ClientSummary, CustomerSummary, DeliveryAddress, OrganisationProfile, StaffSummary, ClientMatch  # noqa: F401  (returned)
from contexts.core.tenancy.limits import PlanLimitReached  # noqa: F401  (raised by check_plan_limit)
from contexts.core import selectors, services
from contexts.core.accounts import api_keys
from contexts.core.tenancy import limits


def clients_by_ids(*, ids: list[uuid.UUID]) -> dict[uuid.UUID, ClientSummary]:
    """One query whatever the number of ids."""
    return selectors.clients_by_ids(ids=ids)


def client_links(*, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """{id: (display name, back-office URL)} for the admin of other contexts: one query."""
    return selectors.client_links(ids=ids)


def client_summary(*, client_id: uuid.UUID | str) -> ClientSummary | None:
    try:
        key = uuid.UUID(str(client_id))
    except ValueError:
        return None
    return clients_by_ids(ids=[key]).get(key)


def search_clients(*, query: str, limit: int = 10) -> list[ClientMatch]:
    """Clients whose name, company, e-mail or phone contains every word of `query` (one query)."""
    return selectors.search_clients(query=query, limit=limit)


def current_organisation() -> OrganisationProfile:
    return selectors.current_organisation()


def create_client(*, kind: str, email: str = "", first_name: str = "", last_name: str = "",
                  company_name: str = "", city: str = "", postal_code: str = "", phone: str = "") -> uuid.UUID:
    return services.client_create(kind=kind, email=email, first_name=first_name, last_name=last_name,
                                  company_name=company_name, city=city, postal_code=postal_code, phone=phone).id


def client_for_customer(*, customer_id: uuid.UUID) -> CustomerSummary:
    """The CRM client behind an online-shop customer, created on first need."""
    return services.client_for_customer(customer_id=customer_id)


def check_plan_limit(*, resource: str, current: int) -> None:
    """Raises PlanLimitReached (402) when the current tenant's plan allows no more `resource`
    ("users", "locations", "ai_generations_per_month") than `current`. Tenants without a plan
    have no limit."""
    if resource not in limits.RESOURCES:
        raise ValueError(f"unknown resource {resource!r}")
    limits.check_limit(resource=resource, current=current)


def set_plan_entitlements(*, schema_name: str, plan_name: str, max_users: int | None, max_locations: int | None,
                          cancelled: bool = False, max_ai_generations_per_month: int | None = None) -> None:
    """What an organisation's plan allows (finance's billing keeps it up to date)."""
    limits.set_entitlements(schema_name=schema_name, plan_name=plan_name, max_users=max_users,
                            max_locations=max_locations, cancelled=cancelled,
                            max_ai_generations_per_month=max_ai_generations_per_month)


# The principals the kernel's authentication classes ask for (named in settings.COMPTOIR_AUTH_RESOLVERS).
def api_key_principal(*, raw: str):
    """The crm.rest.principals.ApiKeyPrincipal of a presented key; AuthenticationFailed (401)."""
    return api_keys.principal_for(raw)


def customer_principal(*, customer_id: str | None):
    """The crm.rest.principals.CustomerPrincipal of an active customer, or None."""
    return selectors.customer_principal(customer_id=customer_id)


def delivery_address(*, client_id: uuid.UUID | str) -> DeliveryAddress | None:
    """Where a client's goods go (the shop customer's default address, else the client's own);
    None for an unknown client."""
    return selectors.delivery_address(client_id=client_id)


def staff_by_ids(*, ids) -> dict[int, StaffSummary]:
    """Staff users of the current tenant by id (one query whatever the number of ids)."""
    return selectors.staff_by_ids(ids=ids)


def staff_emails(*, roles: list[str]) -> list[str]:
    """E-mail addresses of the active staff users holding one of these roles (e.g. owner, manager)."""
    return selectors.staff_emails(roles=roles)


def export_clients(*, created_from=None, created_to=None):
    """(header, rows): the clients as CSV rows, streamed from a server-side cursor (crm.exports)."""
    return selectors.export_clients(created_from=created_from, created_to=created_to)


def update_client(*, client_id: uuid.UUID, first_name: str | None = None, last_name: str | None = None,
                  company_name: str | None = None, email: str | None = None, phone: str | None = None,
                  address_line: str | None = None, city: str | None = None, postal_code: str | None = None,
                  country: str | None = None) -> bool:
    """Sets the given fields of a client (None: left as is); True when something changed.
    django's ValidationError for an invalid value (an e-mail, a person without a last name)."""
    values = {k: v for k, v in dict(first_name=first_name, last_name=last_name, company_name=company_name, email=email,
                                    phone=phone, address_line=address_line, city=city, postal_code=postal_code,
                                    country=country).items() if v is not None}
    return services.client_update(client_id=client_id, **values)
