"""Benchmark: catalog search with 100,000 variants in one tenant.

    .venv/bin/python tests/bench/catalog_search.py [--variants 100000] [--runs 50]

Creates (once) a tenant schema "bench" in the development database (DATABASE_URL), fills it
with products and variants through bulk inserts, then times representative searches through
the same selector the API uses, and prints p50/p95 per query. Re-runnable: the data is kept
and topped up. Not a test: figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")  # production-like, test secrets

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from contexts.catalog.models import Category, Product, VatClass, Variant  # noqa: E402
from contexts.catalog.services import categories  # noqa: E402
from contexts.catalog.models import SearchWord  # noqa: E402
from contexts.catalog.services.products import _search_fields, index_words  # noqa: E402
from contexts.core.tenancy.models import Organisation  # noqa: E402
from contexts.core.tenancy.services import provision_tenant  # noqa: E402

NOUNS = ["Écharpe", "Pull", "Bonnet", "Gants", "Chaussettes", "Tasse", "Bougie", "Carnet", "Sac", "Ceinture",
         "Chemise", "Robe", "Veste", "Manteau", "Plaid", "Coussin", "Théière", "Bol", "Assiette", "Lampe"]
ADJ = ["en laine", "en coton bio", "en lin", "côtelé", "rayé", "à pois", "brodé", "en grès", "parfumée", "en cuir",
       "mérinos", "cachemire", "vintage", "artisanal", "fleuri", "uni", "tressé", "matelassé", "lavé", "doux"]
COLOURS = ["Bleu", "Rouge", "Vert", "Écru", "Noir", "Gris", "Moutarde", "Bordeaux", "Rose", "Marine"]
SIZES = ["XS", "S", "M", "L", "XL"]


def fill(target: int) -> None:
    have = Variant.objects.count()
    if have and not SearchWord.objects.exists():  # data made before the dictionary existed
        index_words(Variant.objects.values_list("search_text", flat=True).iterator())
    if have >= target:
        print(f"{have} variants already there")
        return
    rng = random.Random(7)
    vat = VatClass.objects.get(code="normal")
    cats = list(Category.objects.all())
    if not cats:
        roots = [categories.category_create(name=n) for n in ("Mode", "Maison", "Papeterie", "Cuisine")]
        cats = roots + [categories.category_create(name=f"{r.name} {i}", parent_id=r.id) for r in roots for i in range(5)]
    n = Product.objects.count()
    started = time.perf_counter()
    while have < target:
        products, variants = [], []
        for _ in range(1000):
            n += 1
            p = Product(name=f"{rng.choice(NOUNS)} {rng.choice(ADJ)} {n}", category=rng.choice(cats), vat_class=vat,
                        description=f"{rng.choice(ADJ)} {rng.choice(ADJ)}, fabriqué en France")
            products.append(p)
            for s in SIZES:
                v = Variant(product=p, sku=f"B{n:06d}-{s}", ean13=None, price=rng.randint(300, 15000) / 100,
                            attributes={"taille": s, "couleur": rng.choice(COLOURS)})
                v.name_norm, v.search_text = _search_fields(p, v)
                variants.append(v)
        with transaction.atomic():
            Product.objects.bulk_create(products)
            Variant.objects.bulk_create(variants, batch_size=2000)
            index_words(v.search_text for v in variants)
        have += len(variants)
        print(f"  {have} variants ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_variant")


QUERIES = ["echarpe", "écharpes en laine", "pull marin", "bougie parfumee", "echape", "chausettes", "B004242-M", "théière"]


def bench(runs: int) -> list[tuple[str, float, float, int]]:
    from contexts.catalog import selectors

    out = []
    for q in QUERIES:
        selectors.search(q=q)  # warm
        timings = []
        for _ in range(runs):
            t = time.perf_counter()
            hits = selectors.search(q=q, limit=20)
            timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        out.append((q, statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(hits)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    provision_tenant(schema_name="bench", name="Bench SARL", verbosity=0)
    with tenant_context(Organisation.objects.get(schema_name="bench")):
        fill(args.variants)
        total = Variant.objects.count()
        print(f"\nsearch over {total} variants, {args.runs} runs each (ms, through catalog.selectors.search)")
        print(f"{'query':<22}{'p50':>8}{'p95':>8}{'hits':>6}")
        for q, p50, p95, hits in bench(args.runs):
            print(f"{q:<22}{p50:>8.1f}{p95:>8.1f}{hits:>6}")


if __name__ == "__main__":
    main()
