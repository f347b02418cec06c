"""The data classes catalog's api returns: frozen, stdlib only."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal


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
    cost_price: Decimal | None = None  # unit cost excl. VAT, when the shop entered one

    @property
    def name(self) -> str:
        return f"{self.product_name} {self.label}".strip()


@dataclass(frozen=True)
class AppliedPromotion:
    promotion_id: uuid.UUID
    name: str
    kind: str
    discount: Decimal  # on the whole line
    coupon_code: str | None = None


@dataclass(frozen=True)
class PricedLine:
    variant_id: uuid.UUID
    quantity: int
    unit_price: Decimal          # after price list, before promotions (TTC)
    vat_rate: Decimal
    discount: Decimal
    total: Decimal               # quantity x unit price - discount (TTC)
    price_list: str | None = None
    promotions: tuple[AppliedPromotion, ...] = field(default_factory=tuple)
    name: str = ""               # the variant's name (product and label), as VariantSummary.name
    is_active: bool = True       # the variant and its product are on sale (as VariantSummary.is_active)
