"""Invoices: drafts edited freely; issuing numbers them in a gapless sequence per tenant, prefix
and year, and freezes them (the database refuses any later change: see migration 0002);
corrections are credit notes referencing the original."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from contexts.core import api as core_api
from contexts.finance import documents
from contexts.finance.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, InvoiceVatLine
from contexts.finance.events import InvoiceIssued as InvoiceIssuedEvent
from contexts.finance.services import calendar
from contexts.finance.services import totals as totals_mod
from crm import eventbus
from crm.money import price
from crm.rest.errors import DomainError, InvalidInput, NotFound
from django.utils.translation import gettext as _
from crm.transactions import joined

PREFIXES = {InvoiceKind.INVOICE: "FA", InvoiceKind.CREDIT_NOTE: "AV"}


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"


class InvoiceIssued(DomainError):
    """An issued invoice never changes: correct it with a credit note."""

    code = "invoice_issued"


class CreditExceedsInvoice(DomainError):
    code = "credit_exceeds_invoice"


def _get(invoice_id, *, lock: bool = False) -> Invoice:
    qs = Invoice.objects.select_for_update() if lock else Invoice.objects.all()
    try:
        return qs.get(pk=invoice_id)
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise InvoiceNotFound(_("No such invoice."), field="invoice_id")


def _clean_line(index: int, line: Mapping) -> dict:
    where = f"lines[{index}]"
    try:
        quantity = Decimal(str(line["quantity"]))
        unit_price = price(str(line["unit_price_net"]))
        rate = Decimal(str(line["vat_rate"])).quantize(Decimal("0.01"))
    except KeyError as exc:
        raise InvalidInput(_("%(field)s is required.") % {"field": exc.args[0]}, field=f"{where}.{exc.args[0]}")
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Quantities, prices and rates are decimal numbers."), field=where)
    if quantity <= 0:
        raise InvalidInput(_("The quantity must be positive."), field=f"{where}.quantity")
    if unit_price < 0:
        raise InvalidInput(_("The unit price cannot be negative."), field=f"{where}.unit_price_net")
    if rate not in totals_mod.ALLOWED_RATES:
        raise InvalidInput(_("VAT rate must be one of 20, 10, 5.5, 2.1 or 0."), field=f"{where}.vat_rate")
    label = str(line.get("label", "")).strip()
    if not label:
        raise InvalidInput(_("Each line needs a label."), field=f"{where}.label")
    line_net = totals_mod.line_net(quantity, unit_price)
    for name, value in (("quantity", quantity), ("unit_price_net", unit_price), ("line_net", line_net)):
        if not _fits(value, name):
            raise InvalidInput(_("This amount is too large for an invoice line."),
                               field=f"{where}.{'quantity' if name == 'line_net' else name}")
    return {
        "label": label[:300], "description": str(line.get("description", "")), "quantity": quantity,
        "unit_price_net": unit_price, "vat_rate": rate, "variant_id": line.get("variant_id"),
        "unit": line.get("unit") or "C62", "line_net": line_net,
    }


def _fits(value: Decimal, field_name: str, model=InvoiceLine) -> bool:
    """Whether a value's whole part fits the numeric column of that model field."""
    field = model._meta.get_field(field_name)
    return abs(value) < Decimal(10) ** (field.max_digits - field.decimal_places)


def _write_lines(invoice: Invoice, lines: Iterable[Mapping], start: int = 1) -> None:
    cleaned = [_clean_line(i, line) for i, line in enumerate(lines)]
    gross = sum((l["line_net"] * (1 + l["vat_rate"] / 100) for l in cleaned), Decimal(0))
    if not _fits(gross, "total_gross", model=Invoice):
        raise InvalidInput(_("The invoice's total is too large."), field="lines")
    InvoiceLine.objects.bulk_create(
        [InvoiceLine(invoice=invoice, position=start + i, **line) for i, line in enumerate(cleaned)]
    )


def _refresh_totals(invoice: Invoice, *, save: bool = False) -> totals_mod.Totals:
    result = totals_mod.compute(invoice.lines.values_list("line_net", "vat_rate"))
    invoice.total_net, invoice.total_vat, invoice.total_gross = result.net, result.vat, result.gross
    if save:
        invoice.save(update_fields=["total_net", "total_vat", "total_gross"])
    return result


def draft_create(*, client_id: uuid.UUID, lines: Iterable[Mapping] = (), order_id: uuid.UUID | None = None,
                 contract_id: uuid.UUID | None = None, payment_terms_days: int = 30, notes: str = "",
                 delivery_date: datetime.date | None = None, billing_period: str = "") -> Invoice:
    if core_api.client_summary(client_id=client_id) is None:
        raise InvalidInput(_("No such client."), field="client_id")
    if not 0 <= int(payment_terms_days) <= 60:
        # Art. L441-10 Code de commerce: at most 60 days from issue.
        raise InvalidInput(_("Payment terms are 0 to 60 days."), field="payment_terms_days")
    with joined():
        invoice = Invoice.objects.create(client_id=client_id, order_id=order_id, contract_id=contract_id,
                                         payment_terms_days=payment_terms_days, notes=notes, delivery_date=delivery_date,
                                         billing_period=billing_period)
        _write_lines(invoice, lines)
        _refresh_totals(invoice, save=True)
    return invoice


def draft_add_lines(*, invoice_id: uuid.UUID, lines: Iterable[Mapping]) -> Invoice:
    with joined():
        invoice = _get(invoice_id, lock=True)
        if invoice.is_issued:
            raise InvoiceIssued(_("This invoice is issued and can no longer change."))
        last = invoice.lines.aggregate(m=Max("position"))["m"] or 0
        _write_lines(invoice, lines, start=last + 1)
        _refresh_totals(invoice, save=True)
    return invoice


def draft_refresh_totals(*, invoice_id: uuid.UUID) -> Invoice:
    """After lines were edited in place (admin inline): recompute line nets and totals."""
    with joined():
        invoice = _get(invoice_id, lock=True)
        if invoice.is_issued:
            raise InvoiceIssued(_("This invoice is issued and can no longer change."))
        for line in invoice.lines.all():
            net = totals_mod.line_net(line.quantity, line.unit_price_net)
            if line.line_net != net:
                line.line_net = net
                line.save(update_fields=["line_net"])
        _refresh_totals(invoice, save=True)
    return invoice


def draft_delete(*, invoice_id: uuid.UUID) -> None:
    with joined():
        invoice = _get(invoice_id, lock=True)
        if invoice.is_issued:
            raise InvoiceIssued(_("An issued invoice cannot be deleted; issue a credit note."))
        invoice.delete()


def _next_number(kind: str, year: int) -> tuple[int, str]:
    """Takes the next number of the sequence, holding its row lock until the caller commits:
    concurrent issues wait their turn, a rolled-back issue gives its number back."""
    prefix = PREFIXES[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO finance_invoicesequence (prefix, year, last_number) VALUES (%s, %s, 0) "
            "ON CONFLICT (prefix, year) DO NOTHING", [prefix, year],
        )
        cursor.execute(
            "UPDATE finance_invoicesequence SET last_number = last_number + 1 "
            "WHERE prefix = %s AND year = %s RETURNING last_number", [prefix, year],
        )
        (number,) = cursor.fetchone()
    return number, f"{prefix}-{year}-{number:06d}"


# What an invoice must print about its seller (French commercial code, EN 16931 BG-4 and BT-84):
# issuing is refused while one of these is blank, with the missing field named.
SELLER_REQUIRED_FIELDS = {
    "legal_name": "la raison sociale", "siren": "le SIREN", "vat_number": "le numéro de TVA intracommunautaire",
    "address_line": "l'adresse", "postal_code": "le code postal", "city": "la ville", "iban": "l'IBAN",
}


def check_seller_identity(seller: core_api.OrganisationProfile) -> None:
    for field, label in SELLER_REQUIRED_FIELDS.items():
        if not (getattr(seller, field) or "").strip():
            raise InvalidInput(
                _("The seller's legal identity is incomplete: %(field)s is missing (%(label)s de l'organisation). Complete it before issuing an invoice.") % {"field": field, "label": label}, field=field,
            )


def _snapshot_parties(invoice: Invoice) -> None:
    seller = core_api.current_organisation()
    check_seller_identity(seller)
    client = core_api.client_summary(client_id=invoice.client_id)
    if client is None:
        raise InvalidInput(_("The client of this invoice no longer exists."), field="client_id")
    invoice.buyer_name = client.display_name
    invoice.buyer_is_business = client.is_business
    invoice.buyer_siren, invoice.buyer_vat_number = client.siren, client.vat_number
    invoice.buyer_address, invoice.buyer_postal_code = client.address_line, client.postal_code
    invoice.buyer_city, invoice.buyer_country, invoice.buyer_email = client.city, client.country, client.email
    invoice.seller_name, invoice.seller_siren = seller.legal_name, seller.siren
    invoice.seller_vat_number, invoice.seller_address = seller.vat_number, seller.address_line
    invoice.seller_postal_code, invoice.seller_city, invoice.seller_iban = seller.postal_code, seller.city, seller.iban


def invoice_issue(*, invoice_id: uuid.UUID, issue_date: datetime.date | None = None) -> Invoice:
    """Numbers and freezes a draft. Everything is checked and computed before the sequence row
    is locked, so the lock is held for the shortest time."""
    issue_date = issue_date or timezone.localdate()
    with joined():
        invoice = _get(invoice_id, lock=True)
        if invoice.is_issued:
            raise InvoiceIssued(_("This invoice is already issued."))
        if not invoice.lines.exists():
            raise InvalidInput(_("An invoice needs at least one line."), field="lines")
        result = _refresh_totals(invoice)
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            _check_credit_fits(invoice)
        _snapshot_parties(invoice)
        InvoiceVatLine.objects.bulk_create(
            [InvoiceVatLine(invoice=invoice, rate=v.rate, base=v.base, amount=v.amount) for v in result.vat_lines]
        )
        invoice.sequence_year = issue_date.year
        invoice.sequence_number, invoice.number = _next_number(invoice.kind, issue_date.year)
        invoice.issue_date = issue_date
        invoice.due_date = calendar.due_date(issue_date, days=invoice.payment_terms_days)  # a business day
        invoice.delivery_date = invoice.delivery_date or issue_date
        invoice.status = InvoiceStatus.ISSUED
        invoice.issued_at = timezone.now()
        invoice.save()
        eventbus.publish(InvoiceIssuedEvent(invoice_id=invoice.id, number=invoice.number, kind=invoice.kind,
                                            client_id=invoice.client_id, order_id=invoice.order_id,
                                            total_gross=invoice.total_gross, currency=invoice.currency,
                                            original_invoice_id=invoice.original_id, total_net=invoice.total_net))
        transaction.on_commit(lambda: documents.schedule_render(invoice_id=invoice.id))
    return invoice


def _check_credit_fits(credit: Invoice) -> None:
    original = Invoice.objects.select_for_update().get(pk=credit.original_id)
    credited = (Invoice.objects.filter(original=original, status=InvoiceStatus.ISSUED)
                .aggregate(s=Sum("total_gross"))["s"] or Decimal("0"))
    if credited + credit.total_gross > original.total_gross:
        raise CreditExceedsInvoice(
            _("Credit notes would total more than invoice %(number)s (%(total_gross)s EUR).") % {"number": original.number, "total_gross": original.total_gross},
            field="lines",
        )


def credit_note_create(*, invoice_id: uuid.UUID, lines: Iterable[Mapping] | None = None, reason: str = "") -> Invoice:
    """A draft credit note for an issued invoice: all its lines (full credit) or the given ones."""
    with joined():
        original = _get(invoice_id)
        if not original.is_issued or original.kind != InvoiceKind.INVOICE:
            raise InvalidInput(_("Only an issued invoice can be credited."), field="invoice_id")
        if lines is None:
            lines = [
                {"label": l.label, "description": l.description, "quantity": l.quantity,
                 "unit_price_net": l.unit_price_net, "vat_rate": l.vat_rate, "variant_id": l.variant_id, "unit": l.unit}
                for l in original.lines.all()
            ]
        credit = Invoice.objects.create(
            kind=InvoiceKind.CREDIT_NOTE, original=original, client_id=original.client_id,
            order_id=original.order_id, contract_id=original.contract_id, payment_terms_days=0,
            notes=reason or f"Avoir sur la facture {original.number}",
        )
        _write_lines(credit, lines)
        _refresh_totals(credit, save=True)
    return credit
