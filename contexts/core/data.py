"""The data classes core's api returns: frozen, stdlib only."""
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


@dataclass(frozen=True)
class CustomerSummary:
    id: uuid.UUID
    email: str
    client_id: uuid.UUID


@dataclass(frozen=True)
class DeliveryAddress:
    name: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str
    email: str


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


@dataclass(frozen=True)
class ClientMatch:
    """A client found by a search at the till: what the cashier needs to recognise them."""

    id: uuid.UUID
    display_name: str
    email: str
    phone: str
    city: str
