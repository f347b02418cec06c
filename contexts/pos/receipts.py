"""Receipts as a person reads them: the 80 mm thermal-style HTML page (printable from the
browser) and its PDF, rendered by WeasyPrint from the same template (as finance renders
invoices). The data is the `receipt` selector's; this module only lays it out."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.template.loader import render_to_string

from crm.money import cents

TENDER_LABELS = {"cash": "Espèces", "card": "Carte bancaire", "cheque": "Chèque", "voucher": "Bon d'achat",
                 "store_credit": "Avoir"}
KIND_LABELS = {"sale": "", "return": "RETOUR / REMBOURSEMENT", "void": "ANNULATION"}
PX_PER_MM = 96 / 25.4
PAGE_MARGINS_MM = 6  # @page margin: 3 mm top and bottom


def _get(data, name, default=None):
    if isinstance(data, dict):
        return data.get(name, default)
    return getattr(data, name, default)


def _money(value) -> str:
    return f"{cents(Decimal(str(value or 0))):.2f}"


def _rate(value) -> str:
    rate = Decimal(str(value or 0))
    return f"{rate.normalize():f}".replace(".", ",")


def ticket_label(data) -> str:
    return str(_get(data, "number_display") or _get(data, "number"))


def context(data) -> dict:
    """The template's view of a receipt: amounts as strings with two decimals, labels in French."""
    if dataclasses.is_dataclass(data):
        data = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    shop = _get(data, "shop") or {}
    if dataclasses.is_dataclass(shop):
        shop = {f.name: getattr(shop, f.name) for f in dataclasses.fields(shop)}
    lines, count = [], 0
    vat_codes = {}
    for rate in sorted({Decimal(str(_get(l, "vat_rate") or 0)) for l in _get(data, "lines", [])}, reverse=True):
        vat_codes[rate] = "ABCDEFGH"[len(vat_codes)] if len(vat_codes) < 8 else ""
    for line in _get(data, "lines", []):
        quantity = int(_get(line, "quantity"))
        unit = Decimal(str(_get(line, "unit_price")))
        count += quantity
        lines.append({
            "name": _get(line, "name"), "sku": _get(line, "sku", ""), "quantity": quantity, "unit_price": _money(unit),
            "gross": _money(unit * quantity), "promotion_discount": _nonzero(_get(line, "promotion_discount")),
            "discount": _nonzero(_get(line, "discount")), "total": _money(_get(line, "total")),
            "vat_code": vat_codes.get(Decimal(str(_get(line, "vat_rate") or 0)), ""),
        })
    vat = []
    for row in _get(data, "vat", None) or _get(data, "vat_lines", None) or []:
        rate = Decimal(str(_get(row, "rate")))
        net, amount = Decimal(str(_get(row, "net"))), Decimal(str(_get(row, "vat")))
        vat.append({"code": vat_codes.get(rate, ""), "rate": _rate(rate), "net": _money(net), "vat": _money(amount),
                    "gross": _money(_get(row, "gross", net + amount))})
    tenders = [{"label": TENDER_LABELS.get(_get(t, "method"), _get(t, "method")), "reference": _get(t, "reference", ""),
                "amount": _money(_get(t, "amount")), "tendered": _money(_get(t, "tendered", _get(t, "amount")))}
               for t in _get(data, "tenders", [])]
    kind = _get(data, "kind", "sale")
    r = {
        "id": _get(data, "id") or _get(data, "ticket_id"), "session_id": _get(data, "session_id"),
        "number": ticket_label(data), "kind_label": KIND_LABELS.get(kind, ""),
        "created_at": _get(data, "created_at") or _get(data, "date"),
        "register": _get(data, "register_name") or _get(data, "register"),
        "cashier": _get(data, "cashier_name") or _get(data, "cashier"),
        "customer": _get(data, "customer_name") or "",
        "original_number": _get(data, "original_number") or "",
        "shop_name": _get(shop, "name") or _get(shop, "legal_name", ""), "legal_name": _get(shop, "legal_name", ""),
        "address_line": _get(shop, "address_line", ""), "postal_code": _get(shop, "postal_code", ""),
        "city": _get(shop, "city", ""), "siret": _get(shop, "siret", ""), "siren": _get(shop, "siren", ""),
        "vat_number": _get(shop, "vat_number", ""), "footer": _get(shop, "receipt_footer", ""),
        "lines": lines, "item_count": count, "subtotal": _money(_get(data, "subtotal")),
        "ticket_discount": _nonzero(_get(data, "ticket_discount")), "total": _money(_get(data, "total")),
        "total_net": _money(_get(data, "total_net")), "total_vat": _money(_get(data, "total_vat")), "vat": vat,
        "tenders": tenders, "change": _nonzero(_get(data, "change_given", _get(data, "change"))),
        "signature_excerpt": _get(data, "signature_excerpt", ""), "journal_seq": _get(data, "journal_seq", ""),
        "duplicate_count": int(_get(data, "duplicate_count", 0) or 0), "notes": list(_get(data, "notes", []) or []),
    }
    return {"r": r}


def _nonzero(value) -> str:
    if value in (None, ""):
        return ""
    amount = Decimal(str(value))
    return _money(abs(amount)) if amount else ""


def render_html(data, *, original: bool, page_height: str = "297mm") -> str:
    return render_to_string("pos/receipt.html", {**context(data), "original": original, "screen": False,
                                                 "page_height": page_height})


def render_pdf(data, *, original: bool) -> bytes:
    """One 80 mm wide page as long as the receipt: laid out once on a long page to measure the
    receipt, then rendered on a page of that height."""
    import weasyprint

    probe = weasyprint.HTML(string=render_html(data, original=original, page_height="3000mm")).render()
    height_px = sum(box.margin_height() for box in probe.pages[0]._page_box.children)
    height_mm = int(height_px / PX_PER_MM + PAGE_MARGINS_MM) + 2
    return weasyprint.HTML(string=render_html(data, original=original, page_height=f"{height_mm}mm")).write_pdf()
