"""Catalog reads, each in a fixed number of queries."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from contexts.catalog.models import Category, Product, Variant
from contexts.catalog.text import normalize


def product_list(*, category_id: uuid.UUID | None = None, min_price: Decimal | None = None,
                 max_price: Decimal | None = None, product_ids: set | None = None, active_only: bool = True) -> QuerySet[Product]:
    qs = Product.objects.select_related("category", "vat_class").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.filter(is_active=True).order_by("sku")),
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
SELECT v.id,
       (v.sku = %(upper)s OR v.ean13 = %(raw)s) AS exact,
       ts_rank(v.search_vector, plainto_tsquery('french', %(q)s)) AS rank,
       word_similarity(%(q)s, v.name_norm) AS sim
  FROM catalog_variant v
 WHERE v.is_active
   AND (v.sku = %(upper)s OR v.ean13 = %(raw)s
        OR v.search_vector @@ plainto_tsquery('french', %(q)s)
        OR %(q)s <%% v.name_norm)
 ORDER BY exact DESC, rank DESC, sim DESC, v.sku
 LIMIT %(limit)s
"""


def search_variant_ids(*, q: str, limit: int = 20) -> list[uuid.UUID]:
    """Exact SKU or barcode first, then French full-text rank (stems: "echarpes" finds
    "écharpe"), then trigram word similarity (typos)."""
    raw = (q or "").strip()
    norm = normalize(raw)
    if not norm:
        return []
    with connection.cursor() as cursor:
        # Word similarity from 0.4 (default 0.6) tolerates a dropped or doubled letter.
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', '0.4', false)")
        cursor.execute(SEARCH_SQL, {"q": norm, "raw": raw, "upper": raw.upper(), "limit": limit})
        return [row[0] for row in cursor.fetchall()]


def search(*, q: str, limit: int = 20) -> list[Variant]:
    ids = search_variant_ids(q=q, limit=limit)
    by_id = Variant.objects.select_related("product__category", "product__vat_class").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def category_tree() -> list[dict]:
    """The whole tree, nested, from one query."""
    nodes = {}
    roots = []
    for c in Category.objects.order_by("depth", "position", "name"):
        node = {"id": c.id, "name": c.name, "slug": c.slug, "children": []}
        nodes[c.id] = node
        (nodes[c.parent_id]["children"] if c.parent_id in nodes else roots).append(node)
    return roots
