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


@dataclass(frozen=True)
class ClientMatch:
    """A client found by a search at the till: what the cashier needs to recognise them."""

    id: uuid.UUID
    display_name: str
    email: str
    phone: str
    city: str


def search_clients(*, query: str, limit: int = 10) -> list[ClientMatch]:
    """Clients whose name, company, e-mail or phone contains every word of `query` (one query)."""
    from django.db.models import Q

    from contexts.core.models import Client

    limit = max(1, min(int(limit), 50))
    condition = Q()
    for word in (query or "").split()[:5]:
        digits = "".join(ch for ch in word if ch.isdigit())
        match = (Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(company_name__icontains=word)
                 | Q(email__icontains=word))
        if len(digits) >= 4:
            match |= Q(phone__icontains=digits) | Q(phone__icontains=word)
        condition &= match
    if not condition:
        return []
    return [ClientMatch(id=c.id, display_name=c.display_name, email=c.email, phone=c.phone, city=c.city)
            for c in Client.objects.filter(condition).order_by("last_name", "first_name", "company_name")[:limit]]


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


@dataclass(frozen=True)
class StaffSummary:
    id: int
    username: str
    display_name: str
    role: str
    is_active: bool

    @property
    def is_manager(self) -> bool:
        """May approve at the till: discounts above the threshold, returns without ticket, voids."""
        return self.is_active and self.role in ("manager", "admin", "owner")


def staff_by_ids(*, ids) -> dict[int, StaffSummary]:
    """Staff users of the current tenant by id (one query whatever the number of ids)."""
    from contexts.core.accounts.models import User

    keys = []
    for i in ids:
        try:
            keys.append(int(i))
        except (TypeError, ValueError):
            continue
    return {u.pk: StaffSummary(id=u.pk, username=u.username, display_name=u.get_full_name() or u.username,
                               role=u.role, is_active=u.is_active)
            for u in User.objects.filter(pk__in=keys)}
