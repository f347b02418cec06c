"""Receipts as a person reads them: the 80 mm thermal-style HTML page (printable from the
browser) and its PDF, rendered by WeasyPrint from the same template (as finance renders
invoices). The data is the `receipt` selector's; this module only lays it out."""
from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string

from crm.money import cents

TENDER_LABELS = {"cash": "Espèces", "card": "Carte bancaire", "cheque": "Chèque", "voucher": "Bon d'achat",
                 "store_credit": "Avoir"}
KIND_LABELS = {"sale": "", "return": "RETOUR / REMBOURSEMENT", "void": "ANNULATION"}
PX_PER_MM = 96 / 25.4
PAGE_MARGINS_MM = 6  # @page margin: 3 mm top and bottom


def _money(value) -> str:
    """12.5 -> "12,50" (a French receipt)."""
    return f"{cents(Decimal(str(value or 0))):.2f}".replace(".", ",")


def _rate(value) -> str:
    rate = Decimal(str(value or 0))
    return f"{rate.normalize():f}".replace(".", ",")


def ticket_label(data) -> str:
    return data.display_number


def context(data) -> dict:
    """The template's view of a receipt (the `receipt` selector's ReceiptData): amounts as
    strings with two decimals, labels in French. A line shows its gross amount, its promotion
    and its discount (its own plus its share of the ticket discount): they add up to its total,
    and the lines to the ticket's total."""
    lines, count = [], 0
    gross_sum = promo_sum = discount_sum = Decimal("0")
    rates = sorted({Decimal(str(line.vat_rate)) for line in data.lines}, reverse=True)
    vat_codes = {rate: "ABCDEFGH"[i] for i, rate in enumerate(rates[:8])}
    sale = data.kind == "sale"
    for line in data.lines:
        quantity = int(line.quantity)
        count += abs(quantity)
        if sale:
            unit, gross = line.unit_price, line.unit_price * quantity
            promotion, discount = line.promotion_discount or 0, line.discount or 0
        else:  # a return gives back what was paid: the price net of the original discounts
            unit, gross, promotion, discount = cents(line.total / quantity), line.total, 0, 0
        gross_sum += gross
        promo_sum += promotion
        discount_sum += discount
        lines.append({"name": line.name, "sku": line.sku, "quantity": quantity, "unit_price": _money(unit),
                      "gross": _money(gross), "promotion_discount": _nonzero(promotion), "discount": _nonzero(discount),
                      "total": _money(line.total), "vat_code": vat_codes.get(Decimal(str(line.vat_rate)), "")})
    vat = [{"code": vat_codes.get(Decimal(str(row.rate)), ""), "rate": _rate(row.rate), "net": _money(row.net),
            "vat": _money(row.vat), "gross": _money(row.gross)}
           for row in sorted(data.vat, key=lambda row: -Decimal(str(row.rate)))]
    tenders = [{"label": TENDER_LABELS.get(t.method, t.method), "reference": t.reference,
                "amount": _money(t.amount), "tendered": _money(t.tendered)} for t in data.tenders]
    r = {
        "id": data.ticket_id, "number": data.display_number, "kind_label": KIND_LABELS.get(data.kind, ""),
        "created_at": data.created_at, "register": f"{data.register_name} ({data.register_code})",
        "cashier": data.cashier_name, "customer": data.customer_name, "original_number": data.original_display_number,
        "shop_name": data.trade_name, "legal_name": data.seller_name, "address_line": data.address_line,
        "postal_code": data.postal_code, "city": data.city, "siret": data.siret, "siren": data.siren,
        "vat_number": data.vat_number, "footer": data.receipt_footer,
        "lines": lines, "item_count": count, "gross": _money(gross_sum), "promotions": _nonzero(promo_sum),
        "discounts": _nonzero(discount_sum), "ticket_discount": _nonzero(data.ticket_discount),
        "total": _money(data.total), "total_net": _money(data.total_net), "total_vat": _money(data.total_vat),
        "vat": vat, "tenders": tenders, "change": _nonzero(data.change_given),
        "store_credits": list(data.store_credit_codes),
        "signature_excerpt": data.signature_excerpt, "hash_excerpt": data.hash_excerpt, "journal_seq": data.journal_seq,
        "duplicate_count": data.duplicate_count,
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
