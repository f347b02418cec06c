import datetime
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from contexts.finance.models import Invoice, InvoiceLine, InvoiceSequence
from contexts.finance.services import invoicing
from crm.rest.errors import InvalidInput
from tests.factories.finance import draft_invoice, issued_invoice

pytestmark = pytest.mark.dates


def _year() -> int:
    """The tenant's current year when the test runs (never computed at import)."""
    return timezone.localdate().year


def test_issue_numbers_freezes_and_totals(seller):
    invoice = issued_invoice()
    assert invoice.number == f"FA-{_year()}-000001"
    assert invoice.status == "issued"
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (D("82.03"), D("12.97"), D("95.00"))
    assert [(v.rate, v.base, v.amount) for v in invoice.vat_lines.all()] == [
        (D("20.00"), D("58.33"), D("11.67")), (D("5.50"), D("23.70"), D("1.30")),
    ]
    assert invoice.seller_siren == "732829320" and invoice.buyer_is_business
    from contexts.finance.services.calendar import due_date, is_business_day

    assert invoice.due_date == due_date(invoice.issue_date, days=30) and is_business_day(invoice.due_date)
    assert issued_invoice().number == f"FA-{_year()}-000002"


def test_numbering_restarts_each_year(seller):
    first = invoicing.invoice_issue(invoice_id=draft_invoice().id, issue_date=datetime.date(2026, 12, 31))
    second = invoicing.invoice_issue(invoice_id=draft_invoice().id, issue_date=datetime.date(2027, 1, 1))
    assert (first.number, second.number) == ("FA-2026-000001", "FA-2027-000001")


def test_a_failed_issue_leaves_no_gap(seller, monkeypatch):
    ok = draft_invoice()
    broken = draft_invoice()
    real_save = Invoice.save

    def failing_save(self, *args, **kwargs):
        if self.pk == broken.pk and self.number:
            raise RuntimeError("disk full")  # after the number was taken
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Invoice, "save", failing_save)
    with pytest.raises(RuntimeError):
        invoicing.invoice_issue(invoice_id=broken.id)
    monkeypatch.setattr(Invoice, "save", real_save)
    assert Invoice.objects.get(pk=broken.pk).status == "draft"
    assert invoicing.invoice_issue(invoice_id=ok.id).number == f"FA-{_year()}-000001"
    assert invoicing.invoice_issue(invoice_id=broken.id).number == f"FA-{_year()}-000002"


def test_issued_invoice_is_refused_by_the_services(seller):
    invoice = issued_invoice()
    with pytest.raises(invoicing.InvoiceIssued):
        invoicing.draft_add_lines(invoice_id=invoice.id, lines=[{"label": "x", "quantity": 1, "unit_price_net": 1, "vat_rate": 20}])
    with pytest.raises(invoicing.InvoiceIssued):
        invoicing.draft_delete(invoice_id=invoice.id)
    with pytest.raises(invoicing.InvoiceIssued):
        invoicing.invoice_issue(invoice_id=invoice.id)


def test_issued_invoice_is_refused_by_the_database_through_the_orm(seller):
    invoice = issued_invoice()
    invoice.notes = "changed"
    with pytest.raises(IntegrityError), transaction.atomic():
        invoice.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(label="changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(invoice=invoice, position=99, label="sneaked in", quantity=1,
                                   unit_price_net=1, vat_rate=20, line_net=1)


@pytest.mark.parametrize("sql", [
    "UPDATE finance_invoice SET total_gross = 0, total_net = 0, total_vat = 0 WHERE id = %s",
    "DELETE FROM finance_invoice WHERE id = %s",
    "UPDATE finance_invoiceline SET unit_price_net = 0 WHERE invoice_id = %s",
    "DELETE FROM finance_invoicevatline WHERE invoice_id = %s",
])
def test_issued_invoice_is_refused_by_the_database_in_raw_sql(seller, sql):
    invoice = issued_invoice()
    with pytest.raises(IntegrityError, match="issued"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [invoice.pk])
    assert Invoice.objects.get(pk=invoice.pk).total_gross == D("95.00")


def test_drafts_stay_editable_and_deletable(seller):
    draft = draft_invoice()
    invoicing.draft_add_lines(invoice_id=draft.id, lines=[{"label": "Bougie", "quantity": "1", "unit_price_net": "10", "vat_rate": "20"}])
    draft.refresh_from_db()
    assert draft.total_gross == D("107.00")
    invoicing.draft_delete(invoice_id=draft.id)
    assert not Invoice.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("line, field", [
    ({"label": "x", "quantity": "0", "unit_price_net": "1", "vat_rate": "20"}, "lines[0].quantity"),
    ({"label": "x", "quantity": "1", "unit_price_net": "-1", "vat_rate": "20"}, "lines[0].unit_price_net"),
    ({"label": "x", "quantity": "1", "unit_price_net": "1", "vat_rate": "19.6"}, "lines[0].vat_rate"),
    ({"label": "", "quantity": "1", "unit_price_net": "1", "vat_rate": "20"}, "lines[0].label"),
    ({"label": "x", "quantity": "abc", "unit_price_net": "1", "vat_rate": "20"}, "lines[0]"),
    ({"label": "x", "unit_price_net": "1", "vat_rate": "20"}, "lines[0].quantity"),
])
def test_bad_lines_name_the_field_and_write_nothing(seller, line, field):
    before = Invoice.objects.count()
    with pytest.raises(InvalidInput) as err:
        draft_invoice(lines=[line])
    assert err.value.field == field
    assert Invoice.objects.count() == before


def test_an_empty_draft_cannot_be_issued(seller):
    draft = draft_invoice(lines=[])
    with pytest.raises(InvalidInput) as err:
        invoicing.invoice_issue(invoice_id=draft.id)
    assert err.value.field == "lines"
    assert not InvoiceSequence.objects.exists()


def test_credit_note_references_the_original_and_has_its_own_sequence(seller):
    invoice = issued_invoice()
    credit = invoicing.invoice_issue(invoice_id=invoicing.credit_note_create(invoice_id=invoice.id).id)
    assert credit.number == f"AV-{_year()}-000001"
    assert credit.original_id == invoice.id and credit.total_gross == invoice.total_gross
    # Nothing more can be credited on that invoice.
    extra = invoicing.credit_note_create(invoice_id=invoice.id, lines=[{"label": "geste", "quantity": 1, "unit_price_net": "1", "vat_rate": "20"}])
    with pytest.raises(invoicing.CreditExceedsInvoice):
        invoicing.invoice_issue(invoice_id=extra.id)


def test_a_draft_cannot_be_credited(seller):
    with pytest.raises(InvalidInput):
        invoicing.credit_note_create(invoice_id=draft_invoice().id)


def test_issuing_publishes_the_event(seller):
    from crm.models import OutboxEvent

    invoice = issued_invoice()
    event = OutboxEvent.objects.get(name="finance.invoice.issued.v1")
    assert event.payload["number"] == invoice.number and event.payload["total_gross"] == "95.00"
