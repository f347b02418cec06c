from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping

import re

from django.db import connection, transaction
from stdnum import ean

from contexts.catalog.events import PriceChanged
from contexts.catalog.models import Category, Product, VatClass, Variant
from contexts.catalog.text import normalize
from crm import eventbus
from crm.money import cents
from crm.money import price as price_places
from crm.rest.errors import InvalidInput, NotFound
from django.utils.translation import gettext as _


def validate_ean13(code: str, *, field: str = "ean13") -> str:
    """EAN-13 with its check digit (python-stdnum)."""
    code = (code or "").strip()
    if len(code) != 13 or not ean.is_valid(code):
        raise InvalidInput(_("Not a valid EAN-13 (13 digits with a correct check digit)."), field=field)
    return code


_WORD = re.compile(r"[a-z0-9]{3,60}")


def index_words(texts) -> None:
    """Adds the words of these (normalised) texts to the typo-correction dictionary."""
    words = sorted({w for t in texts for w in _WORD.findall(t) if not w.isdigit()})
    if words:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO catalog_searchword (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [words])


def _search_fields(product: Product, variant: Variant) -> tuple[str, str]:
    label = " ".join(str(v) for v in variant.attributes.values())
    name = normalize(f"{product.name} {label}")
    text = normalize(" ".join(filter(None, [product.name, product.brand, label, product.description,
                                            product.category.name if product.category_id else "", variant.sku, variant.ean13 or ""])))
    return name[:300], text


def _clean_variant(i: int, data: Mapping) -> dict:
    where = f"variants[{i}]"
    sku = str(data.get("sku", "")).strip().upper()
    if not sku:
        raise InvalidInput(_("A variant needs a SKU."), field=f"{where}.sku")
    try:
        price = cents(str(data.get("price")))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("The price is a decimal number."), field=f"{where}.price")
    if price < 0:
        raise InvalidInput(_("The price cannot be negative."), field=f"{where}.price")
    code = data.get("ean13")
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise InvalidInput(_("Attributes are an object such as {\"taille\": \"M\"}."), field=f"{where}.attributes")
    cost = data.get("cost_price")
    if cost not in (None, ""):
        try:
            cost = price_places(str(cost))
        except (InvalidOperation, ValueError, TypeError):
            raise InvalidInput(_("The cost price is a decimal number."), field=f"{where}.cost_price")
        if cost < 0:
            raise InvalidInput(_("The cost price cannot be negative."), field=f"{where}.cost_price")
    else:
        cost = None
    return {"sku": sku, "price": price, "cost_price": cost,
            "ean13": validate_ean13(code, field=f"{where}.ean13") if code else None,
            "attributes": {str(k): str(v) for k, v in attributes.items()}}


def product_create(*, name: str, category_id: uuid.UUID, vat_code: str = "normal", description: str = "",
                   brand: str = "", variants: Iterable[Mapping] = ()) -> Product:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A product needs a name."), field="name")
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise InvalidInput(_("No such category."), field="category_id")
    vat = VatClass.objects.filter(code=vat_code).first()
    if vat is None:
        raise InvalidInput(_("No such VAT class."), field="vat_code")
    cleaned = [_clean_variant(i, v) for i, v in enumerate(variants)]
    if not cleaned:
        raise InvalidInput(_("A product needs at least one variant."), field="variants")
    skus = [v["sku"] for v in cleaned]
    codes = [v["ean13"] for v in cleaned if v["ean13"]]
    if len(set(skus)) != len(skus) or Variant.objects.filter(sku__in=skus).exists():
        raise InvalidInput(_("A SKU is already used."), field="variants")
    if len(set(codes)) != len(codes) or Variant.objects.filter(ean13__in=codes).exists():
        raise InvalidInput(_("A barcode is already used."), field="variants")
    with transaction.atomic():
        product = Product.objects.create(name=name, category=category, vat_class=vat, description=description, brand=brand)
        objs = []
        for data in cleaned:
            variant = Variant(product=product, **data)
            variant.name_norm, variant.search_text = _search_fields(product, variant)
            objs.append(variant)
        Variant.objects.bulk_create(objs)
        index_words(v.search_text for v in objs)
    return product


def product_reindex(*, product_id: uuid.UUID) -> None:
    """Refreshes the search text of a product's variants (after a rename or a move)."""
    product = Product.objects.select_related("category").get(pk=product_id)
    variants = list(product.variants.all())
    for variant in variants:
        variant.name_norm, variant.search_text = _search_fields(product, variant)
    Variant.objects.bulk_update(variants, ["name_norm", "search_text"])
    index_words(v.search_text for v in variants)


def set_price(*, variant_id: uuid.UUID, price: Decimal | str) -> Variant:
    with transaction.atomic():
        variant = Variant.objects.select_for_update().filter(pk=variant_id).first()
        if variant is None:
            raise NotFound(_("No such variant."), field="variant_id")
        new = cents(str(price))
        if new < 0:
            raise InvalidInput(_("The price cannot be negative."), field="price")
        old = variant.price
        if new != old:
            variant.price = new
            variant.save(update_fields=["price"])
            eventbus.publish(PriceChanged(variant_id=variant.id, product_id=variant.product_id,
                                          old_price=old, new_price=new))
    return variant
