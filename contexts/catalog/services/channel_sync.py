"""Products kept in line with an outside sales channel (a WooCommerce shop): the channel says
what a product and its variants are now; this writes the difference, through the same rules
as the back office (SKU and EAN-13 unique, prices not negative, price changes published)."""
from __future__ import annotations

import uuid
from typing import Iterable, Mapping

from django.utils.translation import gettext as _

from contexts.catalog import storefront_cache
from contexts.catalog.models import Category, Product, Variant
from contexts.catalog.services import categories, products
from crm.rest.errors import InvalidInput, NotFound
from crm.transactions import joined


def category_sync(*, category_id: uuid.UUID, name: str, parent_id: uuid.UUID | None) -> None:
    """Renames and moves a category when the channel renamed or moved it."""
    with joined():
        category = Category.objects.filter(pk=category_id).first()
        if category is None:
            raise NotFound(_("No such category."), field="category_id")
        if category.name != name.strip():
            categories.category_update(category_id=category_id, name=name, position=category.position)
        if category.parent_id != parent_id:
            categories.category_move(category_id=category_id, new_parent_id=parent_id)


def product_sync(*, product_id: uuid.UUID | None, name: str, category_id: uuid.UUID, description: str = "",
                 is_active: bool = True, variants: Iterable[Mapping]) -> dict[str, uuid.UUID]:
    """Creates the product (product_id None) or brings it and its variants up to date: each
    variant {"id" (ours, or None), "sku", "price", "ean13", "attributes", "is_active"} is
    matched by id, else by SKU; missing ones are added. Returns {SKU: variant id}."""
    cleaned = [{**products._clean_variant(i, v), "id": v.get("id"), "is_active": bool(v.get("is_active", True))}
               for i, v in enumerate(variants)]
    if not cleaned:
        raise InvalidInput(_("A product needs at least one variant."), field="variants")
    with joined():
        if product_id is None:
            product = products.product_create(name=name, category_id=category_id, description=description,
                                              variants=[{k: v for k, v in c.items() if k in ("sku", "price", "ean13", "attributes")}
                                                        for c in cleaned])
            if not is_active:
                Product.objects.filter(pk=product.pk).update(is_active=False)
                storefront_cache.mark_changed()  # a queryset update sends no signal
            return dict(Variant.objects.filter(product=product).values_list("sku", "id"))
        product = Product.objects.select_for_update().filter(pk=product_id).first()
        if product is None:
            raise NotFound(_("No such product."), field="product_id")
        if not Category.objects.filter(pk=category_id).exists():
            raise InvalidInput(_("No such category."), field="category_id")
        changed = {"name": name.strip() or product.name, "description": description, "category_id": category_id,
                   "is_active": is_active}
        if any(getattr(product, k) != v for k, v in changed.items()):
            for k, v in changed.items():
                setattr(product, k, v)
            product.save(update_fields=[*changed.keys(), "updated_at"])
        existing = {v.id: v for v in Variant.objects.select_for_update().filter(product=product)}
        by_sku = {v.sku: v for v in existing.values()}
        for data in cleaned:
            variant = existing.get(data["id"]) if data["id"] else None
            variant = variant or by_sku.get(data["sku"])
            _check_unique(data, exclude=variant.id if variant else None)
            if variant is None:
                variant = Variant(product=product, sku=data["sku"], ean13=data["ean13"], attributes=data["attributes"],
                                  price=data["price"], is_active=data["is_active"])
                variant.name_norm, variant.search_text = products._search_fields(product, variant)
                variant.save()
                continue
            if variant.price != data["price"]:
                products.set_price(variant_id=variant.id, price=data["price"])
            fields = {k: data[k] for k in ("sku", "ean13", "attributes", "is_active") if getattr(variant, k) != data[k]}
            if fields:
                Variant.objects.filter(pk=variant.pk).update(**fields)
                storefront_cache.mark_changed()  # a queryset update sends no signal
        products.product_reindex(product_id=product.id)
        return dict(Variant.objects.filter(product=product).values_list("sku", "id"))


def _check_unique(data: Mapping, *, exclude: uuid.UUID | None) -> None:
    others = Variant.objects.exclude(pk=exclude) if exclude else Variant.objects.all()
    if others.filter(sku=data["sku"]).exists():
        raise InvalidInput(_("A SKU is already used."), field="variants")
    if data["ean13"] and others.filter(ean13=data["ean13"]).exists():
        raise InvalidInput(_("A barcode is already used."), field="variants")
