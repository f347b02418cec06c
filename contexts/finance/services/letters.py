"""Documents finance hands over to be posted (logistics' postal dispatch): a formal notice of
dunning, and an issued invoice whose buyer has no e-mail address."""
from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from contexts.finance import documents
from contexts.finance.data import FormalNoticeLetter, InvoiceLetter
from contexts.finance.models import Invoice, Reminder
from contexts.finance.services import dunning
from crm.rest.errors import NotFound


def formal_notice_letter(*, reminder_id: uuid.UUID | str) -> FormalNoticeLetter:
    """A formal notice (dunning level 3) as a letter to post: the buyer's address and the PDF."""
    reminder = Reminder.objects.select_related("invoice").filter(pk=reminder_id, kind="formal_notice").first()
    if reminder is None:
        raise NotFound(_("No such formal notice."), field="reminder_id")
    return FormalNoticeLetter(reminder_id=reminder.id, pdf=dunning.formal_notice_pdf(reminder), **_to_buyer(reminder.invoice))


def invoice_letter(*, invoice_id: uuid.UUID | str) -> InvoiceLetter | None:
    """An issued invoice to post: its buyer has no e-mail address but a postal one. None when it
    goes by e-mail (or has nowhere to go). The document is rendered if it was not yet."""
    inv = Invoice.objects.filter(pk=invoice_id, status="issued").first()
    if inv is None or inv.buyer_email or not (inv.buyer_address and inv.buyer_postal_code and inv.buyer_city):
        return None
    doc = documents.render_document(invoice_id=inv.id)
    with doc.file.open("rb") as f:
        pdf = f.read()
    return InvoiceLetter(number=inv.number, pdf=pdf, **_to_buyer(inv))


def _to_buyer(inv: Invoice) -> dict:
    return {"invoice_id": inv.id, "client_id": inv.client_id, "buyer_name": inv.buyer_name, "address_line": inv.buyer_address,
            "postal_code": inv.buyer_postal_code, "city": inv.buyer_city, "country": inv.buyer_country}
