"""The published interface of core: the only module other contexts may import (with events.py).

Functions take keyword arguments and return plain values or frozen dataclasses."""
from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class ClientSummary:
    id: uuid.UUID
    kind: str
    display_name: str
    email: str
    siren: str = ""
    vat_number: str = ""
    address_line: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"

    @property
    def is_business(self) -> bool:
        return self.kind == "company"


@dataclass(frozen=True)
class OrganisationProfile:
    """The current tenant as a seller: what invoices and receipts print."""

    schema_name: str
    name: str
    legal_name: str
    siren: str
    vat_number: str
    address_line: str
    postal_code: str
    city: str
    country: str
    email: str
    iban: str


def _summary(c) -> ClientSummary:
    return ClientSummary(id=c.id, kind=c.kind, display_name=c.display_name, email=c.email, siren=c.siren,
                         vat_number=c.vat_number, address_line=c.address_line, postal_code=c.postal_code,
                         city=c.city, country=c.country)


def clients_by_ids(*, ids: list[uuid.UUID]) -> dict[uuid.UUID, ClientSummary]:
    """One query whatever the number of ids."""
    from contexts.core.models import Client

    return {c.id: _summary(c) for c in Client.objects.filter(id__in=ids)}


def client_links(*, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """{id: (display name, back-office URL)} for the admin of other contexts: one query."""
    from django.urls import NoReverseMatch, reverse

    links = {}
    for key, summary in clients_by_ids(ids=ids).items():
        try:
            url = reverse("admin:core_client_change", args=[key])
        except NoReverseMatch:
            url = ""
        links[key] = (summary.display_name, url)
    return links


def client_summary(*, client_id: uuid.UUID | str) -> ClientSummary | None:
    try:
        key = uuid.UUID(str(client_id))
    except ValueError:
        return None
    return clients_by_ids(ids=[key]).get(key)


def current_organisation() -> OrganisationProfile:
    from django.db import connection

    org = connection.tenant
    return OrganisationProfile(
        schema_name=org.schema_name, name=org.name, legal_name=org.legal_name or org.name, siren=org.siren,
        vat_number=org.vat_number, address_line=getattr(org, "address_line", ""),
        postal_code=getattr(org, "postal_code", ""), city=getattr(org, "city", ""),
        country=getattr(org, "country", "FR") or "FR", email=getattr(org, "email", ""), iban=getattr(org, "iban", ""),
    )


def create_client(*, kind: str, email: str = "", first_name: str = "", last_name: str = "",
                  company_name: str = "", city: str = "", postal_code: str = "", phone: str = "") -> uuid.UUID:
    from contexts.core import services

    return services.client_create(kind=kind, email=email, first_name=first_name, last_name=last_name,
                                  company_name=company_name, city=city, postal_code=postal_code, phone=phone).id


@dataclass(frozen=True)
class CustomerSummary:
    id: uuid.UUID
    email: str
    client_id: uuid.UUID


def client_for_customer(*, customer_id: uuid.UUID) -> CustomerSummary:
    """The CRM client behind an online-shop customer, created on first need."""
    from django.db import transaction

    from contexts.core import services
    from contexts.core.models import Customer

    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        if customer.client_id is None:
            customer.client = services.client_create(kind="person", first_name=customer.first_name,
                                                     last_name=customer.last_name or customer.email.split("@")[0],
                                                     email=customer.email, phone=customer.phone)
            customer.save(update_fields=["client"])
    return CustomerSummary(id=customer.id, email=customer.email, client_id=customer.client_id)


# Authentication for other contexts' API views (the classes are core's; the names are the contract).
def auth_classes():
    """(customer JWT, staff JWT, API key) authentication classes and the IsCustomer permission."""
    from contexts.core import auth

    return auth.CustomerJWTAuthentication, auth.TenantJWTAuthentication, auth.ApiKeyAuthentication, auth.IsCustomer


def shopper_or_staff_auth_class():
    """Authentication accepting a customer's or a staff member's bearer token (each checked as
    its own kind), for views that both read."""
    from contexts.core import auth

    return auth.ShopperOrStaffJWT


CLIENT_EXPORT_FIELDS = ("id", "kind", "first_name", "last_name", "company_name", "siren", "vat_number", "email", "phone",
                        "address_line", "postal_code", "city", "country", "created_at")


def export_clients(*, created_from=None, created_to=None):
    """(header, rows): the clients as CSV rows, streamed from a server-side cursor (crm.exports)."""
    from contexts.core.models import Client
    from crm.exports import rows_of

    qs = Client.objects.order_by("created_at", "id")
    if created_from:
        qs = qs.filter(created_at__date__gte=created_from)
    if created_to:
        qs = qs.filter(created_at__date__lte=created_to)
    return list(CLIENT_EXPORT_FIELDS), rows_of(qs, CLIENT_EXPORT_FIELDS)
