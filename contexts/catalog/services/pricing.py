"""The one pricing function: the price of variants for a channel, a client group and maybe a
coupon, at a moment, with the promotions that made it.

Rules, in order, per line:
1. base price of the variant (VAT included);
2. the highest-priority active price list of the channel (or "any") for the client group (or
   every client) that prices the variant replaces it;
3. the best automatic promotion of the line (the one giving the largest discount) applies;
4. a valid coupon's promotion then applies on top, if it covers the line.
Amounts are Decimal, rounded to the cent half up at each step; a line never goes below zero.
"""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Iterable

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q, Value
from django.utils import timezone

from contexts.catalog.data import AppliedPromotion, PricedLine
from contexts.catalog.models import Channel, PriceListItem, Promotion, PromotionKind, Variant
from crm.money import cents
from crm.rest.errors import InvalidInput
from django.utils.translation import gettext as _


def _active(qs, at, prefix=""):
    """Rows valid at `at` (their own dates, or those of the `prefix` relation's)."""
    return qs.filter(Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": at}),
                     Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": at}))


def _discount(promo: Promotion, unit: Decimal, quantity: int, base_total: Decimal) -> Decimal:
    if promo.kind == PromotionKind.PERCENT:
        d = cents(base_total * promo.value / Decimal(100))
    elif promo.kind == PromotionKind.FIXED:
        d = cents(min(promo.value, unit) * quantity)
    else:  # buy X get Y: each full group of X + Y units has Y free
        groups = quantity // (promo.buy_quantity + promo.free_quantity)
        d = cents(unit * groups * promo.free_quantity)
    return min(d, base_total)


def _covers(promo: Promotion, variant: Variant, category_paths: dict) -> bool:
    """`promo` carries `n_variants` (how many variants it is restricted to, 0: none) and
    `line_variants` (those of them among the lines priced), annotated by `price_lines`."""
    if promo.n_variants:
        return variant.id in promo.line_variants
    if promo.category_id:
        return variant.product.category.path.startswith(category_paths[promo.category_id])
    return True


def price_lines(*, lines: Iterable[tuple[uuid.UUID, int]], channel: str = Channel.SHOP, client_group: str = "",
                coupon: str | None = None, at: datetime.datetime | None = None) -> list[PricedLine]:
    """Prices (variant id, quantity) lines in a fixed number of queries whatever their number."""
    at = at or timezone.now()
    lines = [(uuid.UUID(str(v)), int(q)) for v, q in lines]
    for i, (_variant, q) in enumerate(lines):
        if q <= 0:
            raise InvalidInput(_("Quantities are positive."), field=f"lines[{i}].quantity")
    ids = [v for v, _ in lines]
    variants = {v.id: v for v in Variant.objects.filter(id__in=ids).select_related("product__category", "product__vat_class")}
    missing = [str(v) for v in ids if v not in variants]
    if missing:
        raise InvalidInput(_("Unknown variant(s): %(missing)s.") % {"missing": ', '.join(missing)}, field="lines")

    items = _active(PriceListItem.objects.filter(
        variant_id__in=ids, price_list__is_active=True, price_list__channel__in=[channel, Channel.ANY],
        price_list__client_group__in=[client_group, ""],
    ), at, "price_list__").select_related("price_list").order_by("-price_list__priority", "price_list__name")
    list_price: dict[uuid.UUID, PriceListItem] = {}
    for item in items:
        list_price.setdefault(item.variant_id, item)

    promos = list(_active(Promotion.objects.filter(is_active=True, channel__in=[channel, Channel.ANY]), at)
                  .filter(Q(coupon_code__isnull=True) | (Q(coupon_code__iexact=coupon) if coupon else Q(pk__in=[])))
                  .select_related("category")
                  .annotate(n_variants=Count("variants"),  # restricted to its variants when > 0
                            line_variants=ArrayAgg("variants__id", filter=Q(variants__id__in=ids), default=Value([]))))
    if coupon and not any(p.coupon_code for p in promos):
        raise InvalidInput(_("This coupon code is unknown or expired."), field="coupon")
    category_paths = {p.category_id: p.category.path for p in promos if p.category_id}

    priced = []
    for variant_id, quantity in lines:
        variant = variants[variant_id]
        item = list_price.get(variant_id)
        unit = item.price if item else variant.price
        base_total = cents(unit * quantity)
        applied: list[AppliedPromotion] = []
        automatic = [(p, _discount(p, unit, quantity, base_total)) for p in promos
                     if not p.coupon_code and _covers(p, variant, category_paths)]
        automatic = [(p, d) for p, d in automatic if d > 0]
        remaining = base_total
        if automatic:
            best, d = max(automatic, key=lambda pd: pd[1])
            applied.append(AppliedPromotion(best.id, best.name, best.kind, d))
            remaining -= d
        for p in promos:
            if p.coupon_code and _covers(p, variant, category_paths) and remaining > 0:
                d = min(_discount(p, unit, quantity, remaining), remaining)
                if d > 0:
                    applied.append(AppliedPromotion(p.id, p.name, p.kind, d, p.coupon_code))
                    remaining -= d
        discount = base_total - remaining
        priced.append(PricedLine(variant_id=variant_id, quantity=quantity, unit_price=unit,
                                 vat_rate=variant.product.vat_class.rate, discount=discount, total=remaining,
                                 price_list=item.price_list.name if item else None, promotions=tuple(applied),
                                 name=f"{variant.product.name} {variant.label}".strip(),
                                 is_active=variant.is_active and variant.product.is_active))
    return priced
