"""The published interface of catalog: the only module other contexts may import (with
events.py). Keyword-only functions that delegate to a service or a selector, returning the
frozen data classes of data.py, each in a fixed number of queries whatever the number of ids."""
from __future__ import annotations

import datetime
import uuid
from typing import Iterable

from contexts.catalog.data import AppliedPromotion, PricedLine, VariantSummary  # noqa: F401  (returned)
from crm.rest.errors import InvalidInput, NotFound  # noqa: F401  (raised by these functions)
from contexts.catalog import selectors
from contexts.catalog.services import categories, channel_sync, pricing, products


def variants_by_ids(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, VariantSummary]:
    return selectors.variants_by_ids(ids=ids)


def variant_links(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """{variant id: (product and variant name, back-office URL of its product)}: one query."""
    return selectors.variant_links(ids=ids)


def variant_by_barcode(*, code: str) -> VariantSummary | None:
    """Exact EAN-13 (or SKU) lookup for the till's scanner."""
    return selectors.variant_by_code(code=code)


def prices(*, lines: Iterable[tuple[uuid.UUID, int]], channel: str = "shop", client_group: str = "",
           coupon: str | None = None, at: datetime.datetime | None = None) -> list[PricedLine]:
    """Prices (variant id, quantity) lines for a channel and client group, with promotions."""
    return pricing.price_lines(lines=lines, channel=channel, client_group=client_group, coupon=coupon, at=at)


def create_category(*, name: str, parent_id: uuid.UUID | None = None) -> uuid.UUID:
    return categories.category_create(name=name, parent_id=parent_id).id


def create_product(*, name: str, category_id: uuid.UUID, variants: list[dict], vat_code: str = "normal",
                   description: str = "", brand: str = "") -> list[VariantSummary]:
    product = products.product_create(name=name, category_id=category_id, variants=variants, vat_code=vat_code,
                                      description=description, brand=brand)
    return list(selectors.variants_by_ids(ids=selectors.variant_ids_of_product(product_id=product.id)).values())


def category_id_by_slug(*, slug: str) -> uuid.UUID | None:
    return selectors.category_id_by_slug(slug=slug)


def category_subtree_ids(*, category_id: uuid.UUID) -> set[uuid.UUID]:
    """A category and all its descendants (one query)."""
    return selectors.category_subtree_ids(category_id=category_id)


def search_variants(*, q: str, limit: int = 20) -> list[VariantSummary]:
    """Active variants matching a name, SKU or barcode, best first (the till's search)."""
    return selectors.search_variant_summaries(q=q, limit=limit)


def export_products(*, created_from=None, created_to=None):
    """(header, rows): the products as CSV rows, streamed from a server-side cursor (crm.exports)."""
    return selectors.export_products(created_from=created_from, created_to=created_to)


def sync_category(*, category_id: uuid.UUID, name: str, parent_id: uuid.UUID | None = None) -> None:
    """A sales channel renamed or moved one of its categories (imports)."""
    channel_sync.category_sync(category_id=category_id, name=name, parent_id=parent_id)


def sync_product(*, product_id: uuid.UUID | None, name: str, category_id: uuid.UUID, variants: list[dict],
                 description: str = "", is_active: bool = True) -> dict[str, uuid.UUID]:
    """Creates (product_id None) or updates a product and its variants as a sales channel
    describes them (variants matched by id, else SKU); {SKU: variant id}. InvalidInput names
    the field (a SKU or barcode used by another product, a negative price)."""
    return channel_sync.product_sync(product_id=product_id, name=name, category_id=category_id, variants=variants,
                                     description=description, is_active=is_active)
