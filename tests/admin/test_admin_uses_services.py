"""Issue 9 item 11: what staff change in the admin goes through the same services as the API
(events, audit trail, checks), and what is signed or issued cannot be changed there."""
import datetime
from decimal import Decimal as D

from contexts.catalog.models import Category, Variant
from contexts.commercial.models import Contract, ContractLine
from contexts.commercial.services import contracts
from contexts.finance.models import Invoice, InvoiceLine
from contexts.inventory.models import StockAlert, StockItem
from crm.models import AuditEntry, OutboxEvent
from tests.admin.conftest import change_form_data
from tests.factories import catalog as cf
from tests.factories import inventory as inf
from tests.factories.core import CompanyClientFactory
from tests.factories.finance import issued_invoice


def _post_change(browser, url, edit):
    page = browser.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    edit(data)
    return browser.post(url, data)


def test_a_variant_price_edited_in_the_admin_publishes_the_price_event(admin_browser):
    product = cf.product(price="29.90")
    variant = product.variants.get()
    url = f"/admin/catalog/product/{product.pk}/change/"
    response = _post_change(admin_browser, url, lambda d: d.update({"variants-0-price": "34.50"}))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Variant.objects.get(pk=variant.pk).price == D("34.50")
    event = OutboxEvent.objects.get(name="catalog.price.changed.v1")
    assert event.payload["variant_id"] == str(variant.pk)
    assert D(str(event.payload["old_price"])) == D("29.90") and D(str(event.payload["new_price"])) == D("34.50")
    assert AuditEntry.objects.filter(object_type="catalog.variant", object_id=str(variant.pk), action="update",
                                     changes__has_key="price").exists()


def test_saving_a_product_without_a_price_change_publishes_nothing(admin_browser):
    product = cf.product(price="29.90")
    response = _post_change(admin_browser, f"/admin/catalog/product/{product.pk}/change/",
                            lambda d: d.update({"name": "Écharpe en laine d'agneau"}))
    assert response.status_code == 302
    assert not OutboxEvent.objects.filter(name="catalog.price.changed.v1").exists()


def test_a_reorder_point_raised_in_the_admin_runs_the_low_stock_check_and_is_audited(admin_browser):
    variant_id, _, loc = inf.stocked(quantity=5)
    item = StockItem.objects.get(variant_id=variant_id, location=loc)
    response = _post_change(admin_browser, f"/admin/inventory/stockitem/{item.pk}/change/",
                            lambda d: d.update({"reorder_point": "8"}))
    assert response.status_code == 302
    assert StockItem.objects.get(pk=item.pk).reorder_point == 8
    assert StockAlert.objects.filter(variant_id=variant_id, location=loc, is_open=True).exists()
    assert OutboxEvent.objects.filter(name="inventory.stock.low.v1").count() == 1
    audit = AuditEntry.objects.get(object_type="inventory.stockitem", object_id=str(item.pk), action="update")
    assert audit.changes == {"reorder_point": [0, 8]}


def test_a_category_renamed_or_moved_in_the_admin_leaves_an_audit_row(admin_browser):
    parent, child = cf.category("Maison"), cf.category("Bougies")
    url = f"/admin/catalog/category/{child.pk}/change/"
    response = _post_change(admin_browser, url, lambda d: d.update({"name": "Bougies parfumées", "parent": str(parent.pk)}))
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.name == "Bougies parfumées" and child.parent_id == parent.pk and child.path.startswith(parent.path)
    changes = [e.changes for e in AuditEntry.objects.filter(object_type="catalog.category", object_id=str(child.pk),
                                                            action="update")]
    assert any("parent_id" in c for c in changes) and any(c.get("name") == ["Bougies", "Bougies parfumées"] for c in changes)


def _contract():
    return contracts.contract_create(
        client_id=CompanyClientFactory().id, title="Maintenance caisse", start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        lines=[{"label": "Abonnement", "quantity": "1", "unit_price_net": "100.00", "vat_rate": "20"}],
    )


def test_a_draft_contracts_lines_are_editable_a_signed_contracts_are_not(admin_browser):
    draft = _contract()
    url = f"/admin/commercial/contract/{draft.pk}/change/"
    assert b'name="lines-0-unit_price_net"' in admin_browser.get(url).content
    contracts.contract_sign(contract_id=draft.pk, signed_by="manon")
    page = admin_browser.get(url)
    assert b'name="lines-0-unit_price_net"' not in page.content and b'name="title"' not in page.content
    # A crafted post changes nothing either.
    line = ContractLine.objects.get(contract=draft)
    data = change_form_data(page)
    data.update({"title": "Autre", "lines-0-id": str(line.pk), "lines-0-contract": str(draft.pk),
                 "lines-0-unit_price_net": "1.00", "lines-0-label": "Abonnement", "lines-0-quantity": "1",
                 "lines-0-vat_rate": "20"})
    admin_browser.post(url, data)
    assert ContractLine.objects.get(pk=line.pk).unit_price_net == D("100.00")
    assert Contract.objects.get(pk=draft.pk).title == "Maintenance caisse"
    assert admin_browser.get(f"/admin/commercial/contract/{draft.pk}/delete/").status_code == 403


def test_an_issued_invoice_and_credit_note_cannot_be_changed_through_the_admin(admin_browser, seller):
    from contexts.finance.services import invoicing

    invoice = issued_invoice()
    credit = invoicing.invoice_issue(invoice_id=invoicing.credit_note_create(invoice_id=invoice.id).id)
    for document in (invoice, credit):
        url = f"/admin/finance/invoice/{document.pk}/change/"
        page = admin_browser.get(url)
        assert b'name="lines-0-unit_price_net"' not in page.content
        line = InvoiceLine.objects.filter(invoice=document).order_by("position").first()
        data = change_form_data(page)
        data.update({"notes": "modifié", "lines-0-id": str(line.pk), "lines-0-invoice": str(document.pk),
                     "lines-0-label": "Autre chose", "lines-0-quantity": "9", "lines-0-unit_price_net": "1",
                     "lines-0-vat_rate": "20", "lines-0-position": "1"})
        admin_browser.post(url, data)
        after = Invoice.objects.get(pk=document.pk)
        assert (after.total_gross, after.notes) == (document.total_gross, document.notes)
        assert InvoiceLine.objects.get(pk=line.pk).label == line.label
        assert admin_browser.get(f"/admin/finance/invoice/{document.pk}/delete/").status_code == 403
