"""The published interface of logistics: the only module other contexts may import (with
events.py). Keyword-only functions that check their arguments and delegate to one service or
selector, returning types from data.py. engagement (above) may call it; commercial and pos are
siblings and meet logistics through events only."""
from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from contexts.logistics.data import DispatchSummary, ShipmentSummary, ShippingQuote
from crm.rest.errors import InvalidInput, NotFound  # noqa: F401  (raised by these functions)


def shipments_of_order(*, order_id: uuid.UUID) -> list[ShipmentSummary]:
    """The shipments of an order (one query)."""
    from contexts.logistics import selectors

    return selectors.shipment_summaries(order_id=order_id)


def shipping_quotes(*, country: str, weight_grams: int) -> list[ShippingQuote]:
    """Every active carrier service that takes this weight to this country, cheapest first,
    from the rate tables (zone France, EU or world; weight bands)."""
    from contexts.logistics.services import rates

    if not isinstance(weight_grams, int):
        raise InvalidInput(_("A weight in grams is an integer."), field="weight_grams")
    return [ShippingQuote(carrier=c, service=s, price=p) for c, s, p in rates.quotes(country=country, weight_grams=weight_grams)]


def post_letter(*, kind: str, address_lines: list[str], postal_code: str, city: str, pdf: bytes,
                source: str = "", source_id: str = "") -> DispatchSummary:
    """Posts a PDF (simple, registered, registered_ar), once per (source, source_id). The address
    block is checked (6 lines of 38 characters, postcode and city): InvalidInput names the field."""
    from contexts.logistics.services import dispatches

    d = dispatches.post_letter(kind=kind, address_lines=address_lines, postal_code=postal_code, city=city, pdf=pdf,
                          source=source, source_id=source_id)
    return DispatchSummary(id=d.id, kind=d.kind, status=d.status, cost=d.cost, proof=d.proof.name or "")
