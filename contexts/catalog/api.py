"""The published interface of catalog: the only module other contexts may import (with
events.py). Keyword-only functions returning frozen dataclasses, each in a fixed number of
queries whatever the number of ids."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from contexts.catalog.services.pricing import AppliedPromotion, PricedLine  # noqa: F401  (re-exported DTOs)
from crm.rest.errors import InvalidInput, NotFound  # noqa: F401  (raised by these functions)


@dataclass(frozen=True)
class VariantSummary:
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    ean13: str | None
    product_name: str
    label: str
    price: Decimal          # base price, VAT included
    vat_rate: Decimal
    category_id: uuid.UUID
    is_active: bool

    @property
    def name(self) -> str:
        return f"{self.product_name} {self.label}".strip()


def _summary(v) -> VariantSummary:
    return VariantSummary(id=v.id, product_id=v.product_id, sku=v.sku, ean13=v.ean13, product_name=v.product.name,
                          label=v.label, price=v.price, vat_rate=v.product.vat_class.rate,
                          category_id=v.product.category_id, is_active=v.is_active and v.product.is_active)


def variants_by_ids(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, VariantSummary]:
    from contexts.catalog.models import Variant

    qs = Variant.objects.filter(id__in=list(ids)).select_related("product__vat_class")
    return {v.id: _summary(v) for v in qs}


def variant_links(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """{variant id: (product and variant name, back-office URL of its product)}: one query."""
    from django.urls import NoReverseMatch, reverse

    links = {}
    for key, summary in variants_by_ids(ids=ids).items():
        try:
            url = reverse("admin:catalog_product_change", args=[summary.product_id])
        except NoReverseMatch:
            url = ""
        links[key] = (f"{summary.name} ({summary.sku})", url)
    return links


def variant_by_barcode(*, code: str) -> VariantSummary | None:
    """Exact EAN-13 (or SKU) lookup for the till's scanner."""
    from django.db.models import Q

    from contexts.catalog.models import Variant

    code = (code or "").strip()
    v = Variant.objects.filter(Q(ean13=code) | Q(sku=code.upper())).select_related("product__vat_class").first()
    return _summary(v) if v else None


def variant_ids_of_product(*, product_id: uuid.UUID) -> list[uuid.UUID]:
    from contexts.catalog.models import Variant

    return list(Variant.objects.filter(product_id=product_id).values_list("id", flat=True))


def prices(*, lines: Iterable[tuple[uuid.UUID, int]], channel: str = "shop", client_group: str = "",
           coupon: str | None = None, at: datetime.datetime | None = None) -> list[PricedLine]:
    """Prices (variant id, quantity) lines for a channel and client group, with promotions."""
    from contexts.catalog.services import pricing

    return pricing.price_lines(lines=lines, channel=channel, client_group=client_group, coupon=coupon, at=at)


def create_category(*, name: str, parent_id: uuid.UUID | None = None) -> uuid.UUID:
    from contexts.catalog.services import categories

    return categories.category_create(name=name, parent_id=parent_id).id


def create_product(*, name: str, category_id: uuid.UUID, variants: list[dict], vat_code: str = "normal",
                   description: str = "", brand: str = "") -> list[VariantSummary]:
    from contexts.catalog.services import products

    product = products.product_create(name=name, category_id=category_id, variants=variants, vat_code=vat_code,
                                      description=description, brand=brand)
    return list(variants_by_ids(ids=product.variants.values_list("id", flat=True)).values())


def category_id_by_slug(*, slug: str) -> uuid.UUID | None:
    from contexts.catalog.models import Category

    return Category.objects.filter(slug=slug).values_list("id", flat=True).first()


def category_subtree_ids(*, category_id: uuid.UUID) -> set[uuid.UUID]:
    """A category and all its descendants (one query)."""
    from contexts.catalog.models import Category

    path = Category.objects.filter(pk=category_id).values_list("path", flat=True).first()
    return set(Category.objects.filter(path__startswith=path).values_list("id", flat=True)) if path else set()


PRODUCT_EXPORT_FIELDS = ("id", "name", "brand", "category__name", "vat_class__code", "is_active", "created_at")


def export_products(*, created_from=None, created_to=None):
    """(header, rows): the products as CSV rows, streamed from a server-side cursor (crm.exports)."""
    from contexts.catalog.models import Product
    from crm.exports import rows_of

    qs = Product.objects.order_by("created_at", "id")
    if created_from:
        qs = qs.filter(created_at__date__gte=created_from)
    if created_to:
        qs = qs.filter(created_at__date__lte=created_to)
    return ["id", "name", "brand", "category", "vat_class", "is_active", "created_at"], rows_of(qs, PRODUCT_EXPORT_FIELDS)
