"""Issue 9 item 8: an invoice carries its seller's complete legal identity, or is not issued."""
import pypdfium2
import pytest

from contexts.finance import documents
from contexts.finance.models import Invoice, InvoiceSequence
from contexts.finance.services import invoicing
from crm.rest.errors import InvalidInput
from tests.conftest import give_legal_identity
from tests.factories.finance import draft_invoice


@pytest.mark.parametrize("field", ["siren", "vat_number", "address_line", "postal_code", "city", "iban"])
def test_issuing_for_a_tenant_with_an_incomplete_identity_is_refused_naming_the_field(tenant, field):
    give_legal_identity(tenant, **{field: ""})
    draft = draft_invoice()
    with pytest.raises(InvalidInput) as exc:
        invoicing.invoice_issue(invoice_id=draft.id)
    assert exc.value.field == field and field in str(exc.value)
    draft = Invoice.objects.get(pk=draft.id)
    assert draft.status == "draft" and not draft.number  # nothing half-written, no number taken
    assert not InvoiceSequence.objects.filter(last_number__gt=0).exists()


def test_issuing_over_http_with_no_siren_is_a_400_naming_the_field(tenant, api):
    from tests.factories.core import StaffFactory

    give_legal_identity(tenant, siren="")
    draft = draft_invoice()
    api.force_authenticate(StaffFactory(role="accountant"))
    response = api.post(f"/api/v1/invoices/{draft.id}/issue/")
    assert response.status_code == 400, response.content
    assert "siren" in response.json()["error"]["fields"]


def test_the_pdf_prints_the_sellers_siren_vat_address_and_iban(seller):
    invoice = invoicing.invoice_issue(invoice_id=draft_invoice().id)
    pdf = documents.render_pdf(invoice)
    doc = pypdfium2.PdfDocument(pdf)
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    for expected in ("Alpha Boutique SARL", "SIREN 732829320", "FR44732829320", "8 rue de la Roquette",
                     "75011 Paris", "FR7630006000011234567890189"):
        assert expected in text, (expected, text)


def test_a_checkout_for_a_tenant_without_iban_is_refused_before_the_card_is_charged(tenant):
    from contexts.commercial.models import Order
    from contexts.commercial.services import carts, checkout
    from contexts.finance.models import Payment
    from tests.factories import commercial as f

    give_legal_identity(tenant, iban="")
    customer = f.customer()
    carts.add_item(session_id="s-no-iban", variant_id=f.stocked_variant(units=3, price="12.00").id, quantity=1,
                   customer_id=customer.id)
    with pytest.raises(InvalidInput) as exc:
        checkout.checkout(session_id="s-no-iban", customer_id=customer.id, payment_method="pm_card_visa",
                          idempotency_key="k-no-iban")
    assert exc.value.field == "iban"
    assert not Order.objects.exists() and not Payment.objects.exists()  # no stripe_api fixture: no network either


def test_the_demo_organisation_has_a_complete_legal_identity(tenant):
    from config.demo import data as demo_data

    give_legal_identity(tenant, **{k: "" for k in ("siren", "vat_number", "address_line", "postal_code", "city", "iban")})
    assert demo_data._ensure_legal_identity()
    tenant.refresh_from_db()
    from contexts.core import api as core_api

    invoicing.check_seller_identity(core_api.current_organisation())  # complete: no error
    assert (tenant.siren, tenant.vat_number, tenant.iban) == ("843210006", "FR10843210006", "FR7630006000011234567890189")
    assert not demo_data._ensure_legal_identity()  # idempotent: nothing left to fill
