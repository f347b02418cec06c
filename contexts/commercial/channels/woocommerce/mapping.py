"""WooCommerce REST v3 JSON -> plain values for our services (pure functions, no database).
Each `*_values` returns (values, None) or (None, reason): the reason a skipped object gets in
the run's report."""
from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from stdnum import ean as _ean

from crm.money import cents

# Where EAN/GTIN plugins keep the code when WooCommerce's own field (9.2+) is empty.
EAN_META_KEYS = ("_global_unique_id", "_ean", "ean", "_ean13", "_alg_ean", "_wpm_gtin_code", "hwp_product_gtin",
                 "hwp_var_gtin", "_barcode", "barcode", "gtin")

# WooCommerce order statuses -> ours (custom statuses of plugins: skipped with their name).
ORDER_STATUSES = {"pending": "placed", "on-hold": "placed", "checkout-draft": "placed", "processing": "paid",
                  "completed": "delivered", "cancelled": "cancelled", "failed": "cancelled", "refunded": "returned",
                  "trash": "cancelled"}


def fingerprint(values) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def modified(raw: dict) -> datetime.datetime | None:
    value = raw.get("date_modified_gmt") or raw.get("date_created_gmt")
    if not value:
        return None
    try:
        when = datetime.datetime.fromisoformat(str(value).replace("Z", ""))
    except ValueError:
        return None
    return when.replace(tzinfo=datetime.timezone.utc) if when.tzinfo is None else when


def money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return cents(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def ean13(raw: dict) -> str | None:
    """The EAN-13 of a product or variation: `global_unique_id`, else a known meta key; a code
    that is not a valid EAN-13 (a UPC-A is padded to 13 digits) is left out."""
    candidates = [raw.get("global_unique_id")]
    meta = {m.get("key"): m.get("value") for m in raw.get("meta_data") or [] if isinstance(m, dict)}
    candidates += [meta.get(k) for k in EAN_META_KEYS]
    for value in candidates:
        code = str(value or "").strip().replace(" ", "")
        if len(code) == 12 and code.isdigit():
            code = "0" + code
        if len(code) == 13 and _ean.is_valid(code):
            return code
    return None


def category_values(raw: dict) -> tuple[dict | None, str | None]:
    name = str(raw.get("name") or "").strip()[:120]
    if not name:
        return None, _("no name")
    return {"name": name, "parent": int(raw.get("parent") or 0)}, None


def _attributes(raw: dict) -> dict:
    return {str(a.get("name") or "")[:40]: str(a.get("option") or "")[:60]
            for a in raw.get("attributes") or [] if isinstance(a, dict) and a.get("option")}


def _sku(raw: dict, fallback: str) -> str:
    return (str(raw.get("sku") or "").strip() or fallback).upper()[:40]


def variant_values(raw: dict, *, fallback_sku: str) -> tuple[dict | None, str | None]:
    """A simple product or a variation as one variant: SKU (WOO-<id> when the shop has none),
    the regular price (VAT included, as French shops enter it; sale prices are promotions),
    EAN-13, attributes, stock when WooCommerce manages it."""
    price = money(raw.get("regular_price")) if raw.get("regular_price") not in (None, "") else money(raw.get("price"))
    if price is None:
        return None, _("no price")
    if price < 0:
        return None, _("negative price")
    stock = raw.get("stock_quantity") if raw.get("manage_stock") is True else None
    return {"sku": _sku(raw, fallback_sku), "price": str(price), "ean13": ean13(raw), "attributes": _attributes(raw),
            "is_active": raw.get("status", "publish") in ("publish", "private"),
            "stock": int(stock) if isinstance(stock, (int, float)) else None}, None


def product_values(raw: dict) -> tuple[dict | None, str | None]:
    kind = raw.get("type") or "simple"
    if kind not in ("simple", "variable"):
        return None, _("%(kind)s product (only simple and variable products are imported)") % {"kind": kind}
    name = str(raw.get("name") or "").strip()[:200]
    if not name:
        return None, _("no name")
    categories = [int(c["id"]) for c in raw.get("categories") or [] if isinstance(c, dict) and c.get("id")]
    if not categories:
        return None, _("no category")
    return {"name": name, "type": kind, "description": str(raw.get("description") or ""),
            "is_active": raw.get("status") == "publish", "categories": categories}, None


def customer_values(raw: dict) -> tuple[dict | None, str | None]:
    billing = raw.get("billing") or {}
    email = str(raw.get("email") or billing.get("email") or "").strip()[:254]
    first = str(raw.get("first_name") or billing.get("first_name") or "").strip()[:100]
    last = str(raw.get("last_name") or billing.get("last_name") or "").strip()[:100]
    company = str(billing.get("company") or "").strip()[:200]
    if not email and not last and not company:
        return None, _("no e-mail and no name")
    country = str(billing.get("country") or "FR").strip().upper()[:2] or "FR"
    return {"kind": "person", "email": email, "first_name": first, "last_name": last or email.split("@")[0][:100] or company[:100],
            "phone": str(billing.get("phone") or "").strip()[:30], "address_line": str(billing.get("address_1") or "").strip()[:200],
            "city": str(billing.get("city") or "").strip()[:100], "postal_code": str(billing.get("postcode") or "").strip()[:10],
            "country": country, "company_name": company}, None


def order_values(raw: dict) -> tuple[dict | None, str | None]:
    status = ORDER_STATUSES.get(str(raw.get("status") or ""))
    if status is None:
        return None, _("unknown order status %(status)s") % {"status": raw.get("status")}
    total = money(raw.get("total"))
    shipping = (money(raw.get("shipping_total")) or Decimal("0")) + (money(raw.get("shipping_tax")) or Decimal("0"))
    if total is None or total < 0:
        return None, _("no total")
    lines = []
    for item in raw.get("line_items") or []:
        quantity = int(item.get("quantity") or 0)
        if quantity <= 0:
            continue
        line_total = (money(item.get("total")) or Decimal("0")) + (money(item.get("total_tax")) or Decimal("0"))
        before = (money(item.get("subtotal")) or Decimal("0")) + (money(item.get("subtotal_tax")) or Decimal("0"))
        lines.append({"product": int(item.get("product_id") or 0), "variation": int(item.get("variation_id") or 0),
                      "label": str(item.get("name") or "")[:300], "quantity": quantity,
                      "unit_price": cents(max(before, line_total) / quantity), "total": line_total,
                      "discount": max(Decimal("0"), before - line_total)})
    if not lines:
        return None, _("no line")
    return {"status": status, "total": total, "shipping_fee": min(shipping, total), "subtotal": total - min(shipping, total),
            "customer": int(raw.get("customer_id") or 0), "billing": raw.get("billing") or {},
            "number": str(raw.get("number") or raw.get("id")), "lines": lines}, None
