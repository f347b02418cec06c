"""Catalog reads, each in a fixed number of queries."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from contexts.catalog.data import VariantSummary
from contexts.catalog.models import Category, Product, Variant
from contexts.catalog.text import normalize
from crm.adminkit import admin_url
from crm.exports import created_between


def product_list(*, category_id: uuid.UUID | None = None, min_price: Decimal | None = None,
                 max_price: Decimal | None = None, product_ids: set | None = None, active_only: bool = True,
                 inactive_variants: bool = False) -> QuerySet[Product]:
    """Products with their category, VAT class, variants and images: four queries whatever the
    page size. The storefront sees active products and variants only; staff may ask for all."""
    variants = Variant.objects.all() if inactive_variants else Variant.objects.filter(is_active=True)
    qs = Product.objects.select_related("category", "vat_class").prefetch_related(
        Prefetch("variants", queryset=variants.order_by("sku")),
        "images",
    )
    if active_only:
        qs = qs.filter(is_active=True)
    if category_id:
        root = Category.objects.filter(pk=category_id).values_list("path", flat=True).first()
        qs = qs.filter(category__path__startswith=root) if root else qs.none()
    if min_price is not None or max_price is not None:
        priced = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
        if min_price is not None:
            priced = priced.filter(price__gte=min_price)
        if max_price is not None:
            priced = priced.filter(price__lte=max_price)
        qs = qs.filter(Exists(priced))
    if product_ids is not None:
        qs = qs.filter(id__in=product_ids)
    return qs.order_by("name", "id")


SEARCH_SQL = """
(SELECT id, 0 AS tier, 0::real AS score, sku FROM catalog_variant
  WHERE is_active AND (sku = %(upper)s OR ean13 = %(raw)s) LIMIT %(limit)s)
UNION ALL
(SELECT id, 1, ts_rank(search_vector, plainto_tsquery('french', %(q)s)), sku FROM catalog_variant
  WHERE is_active AND search_vector @@ plainto_tsquery('french', %(q)s)
  ORDER BY 3 DESC, sku LIMIT %(limit)s)
"""

CORRECT_SQL = """
SELECT w.input,
       (SELECT s.word FROM catalog_searchword s WHERE s.word %% w.input
         ORDER BY similarity(s.word, w.input) DESC, s.word LIMIT 1)
  FROM unnest(%(words)s::text[]) AS w(input)
"""


def _run(cursor, q: str, raw: str, limit: int) -> list[uuid.UUID]:
    cursor.execute(SEARCH_SQL, {"q": q, "raw": raw, "upper": raw.upper(), "limit": limit})
    seen, out = set(), []
    for row in cursor.fetchall():
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row[0])
    return out


def search_variant_ids(*, q: str, limit: int = 20) -> list[uuid.UUID]:
    """Exact SKU or barcode first, then French full-text rank (stems: "echarpes" finds
    "écharpe", accents ignored). When that finds too little, each word is corrected to the
    closest catalog word by trigram similarity ("echape" -> "echarpe") and the search runs
    again: typo-tolerant at the cost of a lookup in a small dictionary, not a scan."""
    raw = (q or "").strip()
    norm = normalize(raw)
    if not norm:
        return []
    with connection.cursor() as cursor:
        ids = _run(cursor, norm, raw, limit)
        words = [w for w in norm.split() if len(w) >= 3]
        if len(ids) < limit and words:
            cursor.execute(CORRECT_SQL, {"words": words})
            corrected = " ".join((fix or word) for word, fix in cursor.fetchall())
            if corrected != " ".join(words):
                ids += [i for i in _run(cursor, corrected, raw, limit) if i not in set(ids)]
    return ids[:limit]


def search(*, q: str, limit: int = 20, active_only: bool = False) -> list[Variant]:
    """Variants ranked by `search_variant_ids`; `active_only` drops those of inactive products
    (the storefront's view)."""
    ids = search_variant_ids(q=q, limit=limit)
    qs = Variant.objects.select_related("product__category", "product__vat_class")
    if active_only:
        qs = qs.filter(product__is_active=True)
    by_id = qs.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


# --- availability as the storefront shows it --------------------------------------------------

IN_STOCK, LOW, OUT = "in_stock", "low", "out"
AVAILABILITY_CHOICES = (IN_STOCK, LOW, OUT)


def _level(stock) -> str:
    if stock.available <= 0:
        return OUT
    return LOW if stock.available <= stock.reorder_point else IN_STOCK


def storefront_availability(*, variant_ids) -> dict[uuid.UUID, str]:
    """Per variant, what a shopper may know: "in_stock", "low" (at or below the reorder point)
    or "out", from the stock of the active web-serving locations (where web orders take it).
    One query whatever the number of variants; never the figures themselves."""
    from contexts.inventory import api as inventory_api

    stock = inventory_api.availability(variant_ids=variant_ids, web_only=True)
    return {variant_id: _level(s) for variant_id, s in stock.items()}


def product_availability(levels) -> str:
    """A product is in stock when one of its variants is, low when the best is low."""
    levels = set(levels)
    return IN_STOCK if IN_STOCK in levels else LOW if LOW in levels else OUT


def stock_figures(*, variant_ids) -> dict:
    """Staff's view: on hand, reserved, available and reorder point over every location."""
    from contexts.inventory import api as inventory_api

    return inventory_api.availability(variant_ids=variant_ids)


def category_tree() -> list[dict]:
    """The whole tree, nested, from one query."""
    nodes = {}
    roots = []
    for c in Category.objects.order_by("depth", "position", "name"):
        node = {"id": c.id, "name": c.name, "slug": c.slug, "children": []}
        nodes[c.id] = node
        (nodes[c.parent_id]["children"] if c.parent_id in nodes else roots).append(node)
    return roots


def _summary(v: Variant) -> VariantSummary:
    return VariantSummary(id=v.id, product_id=v.product_id, sku=v.sku, ean13=v.ean13, product_name=v.product.name,
                          label=v.label, price=v.price, vat_rate=v.product.vat_class.rate,
                          category_id=v.product.category_id, is_active=v.is_active and v.product.is_active,
                          cost_price=v.cost_price)


def variants_by_ids(*, ids) -> dict[uuid.UUID, VariantSummary]:
    qs = Variant.objects.filter(id__in=list(ids)).select_related("product__vat_class")
    return {v.id: _summary(v) for v in qs}


def variant_links(*, ids) -> dict[uuid.UUID, tuple[str, str]]:
    return {key: (f"{v.name} ({v.sku})", admin_url("catalog_product_change", v.product_id))
            for key, v in variants_by_ids(ids=ids).items()}


def variant_by_code(*, code: str) -> VariantSummary | None:
    code = (code or "").strip()
    v = Variant.objects.filter(Q(ean13=code) | Q(sku=code.upper())).select_related("product__vat_class").first()
    return _summary(v) if v else None


def variant_ids_of_product(*, product_id: uuid.UUID) -> list[uuid.UUID]:
    return list(Variant.objects.filter(product_id=product_id).values_list("id", flat=True))


def category_id_by_slug(*, slug: str) -> uuid.UUID | None:
    return Category.objects.filter(slug=slug).values_list("id", flat=True).first()


def category_subtree_ids(*, category_id: uuid.UUID) -> set[uuid.UUID]:
    path = Category.objects.filter(pk=category_id).values_list("path", flat=True).first()
    return set(Category.objects.filter(path__startswith=path).values_list("id", flat=True)) if path else set()


def search_variant_summaries(*, q: str, limit: int = 20) -> list[VariantSummary]:
    """Active variants matching a name, SKU or barcode, best first."""
    return [_summary(v) for v in search(q=q, limit=limit, active_only=True)]


PRODUCT_EXPORT_FIELDS = ("id", "name", "brand", "category__name", "vat_class__code", "is_active", "created_at")


def export_products(*, created_from=None, created_to=None):
    """(header, rows): the products as CSV rows, streamed from a server-side cursor (crm.exports)."""
    return created_between(Product, PRODUCT_EXPORT_FIELDS, created_from, created_to,
                           header=["id", "name", "brand", "category", "vat_class", "is_active", "created_at"])
