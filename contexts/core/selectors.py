from __future__ import annotations

import uuid

from django.db import connection
from django.db.models import Q, QuerySet

from contexts.core.data import ClientSummary, DeliveryAddress, OrganisationProfile, StaffSummary, ClientMatch
from contexts.core.accounts.models import User
from contexts.core.models import Client, Customer, CustomerAddress
from crm.adminkit import admin_url
from crm.exports import created_between
from crm.rest.principals import CustomerPrincipal


def client_list() -> QuerySet[Client]:
    return Client.objects.all()


def _summary(c: Client) -> ClientSummary:
    return ClientSummary(id=c.id, kind=c.kind, display_name=c.display_name, email=c.email, siren=c.siren,
                         vat_number=c.vat_number, address_line=c.address_line, postal_code=c.postal_code,
                         city=c.city, country=c.country)


def clients_by_ids(*, ids) -> dict[uuid.UUID, ClientSummary]:
    """One query whatever the number of ids."""
    return {c.id: _summary(c) for c in Client.objects.filter(id__in=ids)}


def client_links(*, ids) -> dict[uuid.UUID, tuple[str, str]]:
    return {key: (c.display_name, admin_url("core_client_change", key)) for key, c in clients_by_ids(ids=ids).items()}


def current_organisation() -> OrganisationProfile:
    org = connection.tenant
    return OrganisationProfile(
        schema_name=org.schema_name, name=org.name, legal_name=org.legal_name or org.name, siren=org.siren,
        vat_number=org.vat_number, address_line=getattr(org, "address_line", ""),
        postal_code=getattr(org, "postal_code", ""), city=getattr(org, "city", ""),
        country=getattr(org, "country", "FR") or "FR", email=getattr(org, "email", ""), iban=getattr(org, "iban", ""),
    )


def customer_principal(*, customer_id):
    customer = Customer.objects.filter(pk=customer_id, is_active=True).first() if customer_id else None
    return CustomerPrincipal(id=str(customer.pk), name=customer.email) if customer else None


def delivery_address(*, client_id) -> DeliveryAddress | None:
    """Where a client's goods go: the default address of the shop customer behind the client
    (else their latest one), else the client's own address; None for an unknown client (2 queries)."""
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        return None
    address = CustomerAddress.objects.filter(customer__client_id=client.id).order_by("-is_default", "-id").first()
    if address is not None:
        return DeliveryAddress(name=client.display_name, line1=address.line1, line2=address.line2,
                               postal_code=address.postal_code, city=address.city, country=address.country,
                               email=client.email)
    return DeliveryAddress(name=client.display_name, line1=client.address_line, line2="", postal_code=client.postal_code,
                           city=client.city, country=client.country or "FR", email=client.email)


def staff_by_ids(*, ids) -> dict[int, StaffSummary]:
    """Staff users of the current tenant by id (one query whatever the number of ids)."""
    keys = []
    for i in ids:
        try:
            keys.append(int(i))
        except (TypeError, ValueError):
            continue
    return {u.pk: StaffSummary(id=u.pk, username=u.username, display_name=u.get_full_name() or u.username,
                               role=u.role, is_active=u.is_active)
            for u in User.objects.filter(pk__in=keys)}


def search_clients(*, query: str, limit: int = 10) -> list[ClientMatch]:
    """Clients whose name, company, e-mail or phone contains every word of `query` (one query)."""
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


def staff_emails(*, roles: list[str]) -> list[str]:
    """E-mail addresses of the active staff users holding one of these roles (e.g. owner, manager)."""
    return sorted({e for e in User.objects.filter(role__in=list(roles), is_active=True).exclude(email="")
                   .values_list("email", flat=True)})


CLIENT_EXPORT_FIELDS = ("id", "kind", "first_name", "last_name", "company_name", "siren", "vat_number", "email", "phone",
                        "address_line", "postal_code", "city", "country", "created_at")


def export_clients(*, created_from=None, created_to=None):
    """(header, rows): the clients as CSV rows, streamed from a server-side cursor (crm.exports)."""
    return created_between(Client, CLIENT_EXPORT_FIELDS, created_from, created_to)
