"""Shipping rates: a table per carrier service, destination zone (France, EU, world) and weight
band. The price of a weight is the band with the smallest maximum that holds it."""
from __future__ import annotations

from django.utils.translation import gettext as _
from decimal import Decimal

from contexts.logistics.models import Rate, Zone
from crm.money import cents
from crm.rest.errors import InvalidInput

# France's zone includes Monaco and the overseas departments' postal area (FR country code).
EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
      "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


def zone_of(country: str) -> str:
    code = (country or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise InvalidInput(_("A country is a two-letter ISO code."), field="country")
    if code in ("FR", "MC"):
        return Zone.FR
    return Zone.EU if code in EU else Zone.WORLD


def cost(*, carrier, service: str, country: str, weight_grams: int) -> Decimal | None:
    """The price of one shipment, or None when the table has no band for it."""
    rate = (Rate.objects.filter(carrier=carrier, service=service, zone=zone_of(country), max_weight_grams__gte=weight_grams)
            .order_by("max_weight_grams").values_list("price", flat=True).first())
    return cents(rate) if rate is not None else None


def quotes(*, country: str, weight_grams: int) -> list[tuple[str, str, Decimal]]:
    """(carrier code, service, price) for every active carrier service that takes this weight to
    this country, cheapest first (one query)."""
    if weight_grams <= 0 or weight_grams > 70000:
        raise InvalidInput(_("A weight is between 1 g and 70 kg."), field="weight_grams")
    best: dict[tuple[str, str], Decimal] = {}
    rows = (Rate.objects.filter(carrier__is_active=True, zone=zone_of(country), max_weight_grams__gte=weight_grams)
            .order_by("carrier__code", "service", "max_weight_grams").values_list("carrier__code", "service", "price"))
    for code, service, price in rows:
        best.setdefault((code, service), cents(price))
    return sorted(((c, s, p) for (c, s), p in best.items()), key=lambda q: (q[2], q[0], q[1]))
