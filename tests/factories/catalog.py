"""Catalog objects built through catalog's services, as the back office makes them."""
import itertools

from stdnum import ean

from contexts.catalog.models import Category, Variant
from contexts.catalog.services import categories, products

_seq = itertools.count(1)


def ean13(n: int | None = None) -> str:
    body = f"376{(n if n is not None else next(_seq)):09d}"
    return body + ean.calc_check_digit(body)


def category(name="Accessoires", parent=None) -> Category:
    return categories.category_create(name=f"{name}", parent_id=parent.id if parent else None,
                                      slug=f"{name.lower().replace(' ', '-')}-{next(_seq)}")


def product(name="Écharpe en laine", *, cat=None, price="29.90", vat="normal", sizes=("Unique",), colour="Bleu",
            description="", brand="Maison Comptoir"):
    cat = cat or category()
    n = next(_seq)
    variants = [{"sku": f"SKU-{n}-{i}", "ean13": ean13(), "price": price, "attributes": {"taille": s, "couleur": colour}}
                for i, s in enumerate(sizes)]
    return products.product_create(name=name, category_id=cat.id, vat_code=vat, variants=variants,
                                   description=description, brand=brand)


def variant(**kwargs) -> Variant:
    return product(**kwargs).variants.first()
