"""The issued invoice's PDF/A-3 renders, carries its legal mentions and a Factur-X XML that
validates against the official schema."""
import hashlib
import io
import re

import pypdf

import pypdfium2
import pytest
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree

from contexts.finance import documents
from contexts.finance.models import InvoiceDocument
from contexts.finance.services import invoicing
from tests.factories.finance import issued_invoice

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"}


def _text(pdf: bytes) -> str:
    doc = pypdfium2.PdfDocument(pdf)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


@pytest.fixture
def pdf(seller):
    return documents.render_pdf(issued_invoice())


def test_facturx_xml_extracted_from_the_pdf_validates_against_the_schema(pdf):
    filename, xml = get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert root.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS).startswith("FA-")
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "95.00"
    rates = [e.text for e in root.iterfind(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent", NS)]
    assert rates == ["20.00", "5.50"]


def test_pdf_renders_a_real_page_with_the_legal_mentions(pdf):
    doc = pypdfium2.PdfDocument(pdf)
    assert len(doc) == 1
    image = doc[0].render(scale=1).to_pil()
    assert image.size[0] > 500 and image.size[1] > 700
    # Not a blank page: a fair share of pixels carries ink.
    grey = image.convert("L")
    dark = sum(grey.histogram()[:128])
    assert dark > 2000
    text = _text(pdf)
    for expected in ("SIREN 732829320", "FR44732829320", "40 €", "pénalités", "95,00 €", "Écharpe en laine mérinos"):
        assert expected in text, (expected, text)


def test_no_recovery_indemnity_for_a_consumer(seller):
    text = _text(documents.render_pdf(issued_invoice(business=False)))
    assert "pénalités" in text and "40 €" not in text


def test_pdf_declares_pdfa3_and_facturx_in_its_metadata(pdf):
    xmp = pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata
    xml = xmp.rdf_root.toxml()
    assert re.search(r'pdfaid:part(>|=")3', xml), xml
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xml


def test_credit_note_xml_is_type_381_and_references_the_invoice(seller):
    invoice = issued_invoice()
    credit = invoicing.invoice_issue(invoice_id=invoicing.credit_note_create(invoice_id=invoice.id).id)
    root = etree.fromstring(documents.facturx_xml(credit))
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    assert root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == invoice.number


def test_document_is_stored_once_under_the_tenant(seller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    invoice = issued_invoice()
    doc = documents.render_document(invoice_id=invoice.id)
    assert doc.file.name == f"alpha/invoices/{invoice.number}.pdf"
    assert hashlib.sha256(doc.file.read()).hexdigest() == doc.sha256
    assert documents.render_document(invoice_id=invoice.id).pk == doc.pk
    assert InvoiceDocument.objects.count() == 1
