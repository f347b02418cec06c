"""The issued invoice as a document: PDF/A-3b rendered by WeasyPrint from a template, with its
EN 16931 CII XML (generated and checked against the XSD by the factur-x package) embedded:
a Factur-X invoice."""
from __future__ import annotations

import hashlib
import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from contexts.finance.models import Invoice, InvoiceDocument, InvoiceKind

logger = logging.getLogger(__name__)

LATE_PAYMENT_TEXT = (
    "En cas de retard de paiement, des pénalités au taux de trois fois le taux d'intérêt légal sont "
    "exigibles (art. L441-10 du Code de commerce)."
)
RECOVERY_INDEMNITY_TEXT = "Indemnité forfaitaire pour frais de recouvrement due au créancier en cas de retard : 40 €."
EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.CREDIT_NOTE: "381"}


def legal_mentions(invoice: Invoice) -> list[str]:
    mentions = []
    if invoice.seller_siren:
        mentions.append(f"SIREN {invoice.seller_siren}")
    if invoice.seller_vat_number:
        mentions.append(f"N° TVA intracommunautaire {invoice.seller_vat_number}")
    mentions.append(f"Paiement à {invoice.payment_terms_days} jours, échéance le {invoice.due_date:%d/%m/%Y}. "
                    "Pas d'escompte pour paiement anticipé.")
    mentions.append(LATE_PAYMENT_TEXT)
    if invoice.buyer_is_business:
        mentions.append(RECOVERY_INDEMNITY_TEXT)
    return mentions


def _party(name, siren, vat, address, postcode, city, country) -> dict:
    party = {"name": name or "-", "country_code": country or "FR"}
    if siren:
        party.update(legal_identifier=siren, legal_identifier_schemeid="0002")
    given = {"vat_identifier": vat, "addr_l1": address, "postcode": postcode, "city": city}
    return party | {key: value for key, value in given.items() if value}


def facturx_xml(invoice: Invoice) -> bytes:
    from facturx.generate_xml import generate_cii_xml

    lines = list(invoice.lines.all())
    data = {
        "BT-1": invoice.number, "BT-2": invoice.issue_date, "BT-3": TYPE_CODES[invoice.kind], "BT-5": invoice.currency,
        "BT-24": EN16931, "BT-9": invoice.due_date, "BT-72": invoice.delivery_date or invoice.issue_date,
        "BT-20": f"Paiement à {invoice.payment_terms_days} jours. {LATE_PAYMENT_TEXT}"
                 + (f" {RECOVERY_INDEMNITY_TEXT}" if invoice.buyer_is_business else ""),
        "BG-4": _party(invoice.seller_name, invoice.seller_siren, invoice.seller_vat_number, invoice.seller_address,
                       invoice.seller_postal_code, invoice.seller_city, "FR"),
        "BG-7": _party(invoice.buyer_name, invoice.buyer_siren, invoice.buyer_vat_number, invoice.buyer_address,
                       invoice.buyer_postal_code, invoice.buyer_city, invoice.buyer_country),
        "BT-106": str(invoice.total_net), "BT-109": str(invoice.total_net), "BT-110": str(invoice.total_vat),
        "BT-112": str(invoice.total_gross), "BT-115": str(invoice.total_gross),
        "BG-23": [
            {"BT-116": str(v.base), "BT-117": str(v.amount), "BT-118": "S" if v.rate else "Z", "BT-119": str(v.rate)}
            for v in invoice.vat_lines.all()
        ],
        "BG-25": [
            {"BT-126": str(l.position), "BT-129": str(l.quantity), "BT-130": l.unit, "BT-131": str(l.line_net),
             "BT-146": str(l.unit_price_net), "BT-151": "S" if l.vat_rate else "Z", "BT-152": str(l.vat_rate),
             "BT-153": l.label}
            for l in lines
        ],
    }
    if invoice.original_id:
        data["BG-3"] = [{"BT-25": invoice.original.number, "BT-26": invoice.original.issue_date}]
    if invoice.seller_iban:
        data.update({"BT-81": "58", "BT-84": invoice.seller_iban})
    # The package checks the XML against the official Factur-X EN 16931 XSD (its schematron
    # check needs a Saxon server, which we do not run).
    return generate_cii_xml(data, check_xsd=True, check_schematron=False)


def render_pdf(invoice: Invoice) -> bytes:
    """PDF/A-3b with the Factur-X XML attached."""
    import weasyprint
    from facturx import generate_from_binary

    html = render_to_string("finance/invoice.html", {
        "invoice": invoice, "lines": invoice.lines.all(), "vat_lines": invoice.vat_lines.all(),
        "mentions": legal_mentions(invoice),
        "title": "Avoir" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Facture",
    })
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    return generate_from_binary(pdf, facturx_xml(invoice), flavor="factur-x", level="en16931", check_xsd=True)


def render_document(*, invoice_id: uuid.UUID) -> InvoiceDocument:
    """Renders and stores the document of an issued invoice (once; a second call returns it)."""
    with transaction.atomic():
        # The invoice row is locked: a redelivered task and the sweep never render it twice.
        invoice = Invoice.objects.select_for_update(of=("self",)).select_related("original").get(pk=invoice_id)
        existing = invoice.documents.first()
        if existing:
            return existing
        pdf = render_pdf(invoice)
        doc = InvoiceDocument(invoice=invoice, sha256=hashlib.sha256(pdf).hexdigest())
        doc.file.save(f"{invoice.number}.pdf", ContentFile(pdf), save=False)
        doc.save()
    return doc


def schedule_render(*, invoice_id: uuid.UUID) -> None:
    from contexts.finance import tasks

    try:
        tasks.render_invoice_document.delay(invoice_id=str(invoice_id))
    except Exception:  # the broker is down: the periodic sweep renders it later
        logger.exception("could not queue the rendering of invoice %s", invoice_id)
