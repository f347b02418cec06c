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
