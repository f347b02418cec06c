"""Issue 9 item 7: a back office in French, on one theme, that names other contexts' objects
(with a link) instead of showing their UUIDs, in a bounded number of queries per page."""
import datetime

import pytest

from contexts.commercial.services import contracts
from tests.factories import inventory as inf
from tests.factories.core import CompanyClientFactory
from tests.factories.finance import issued_invoice
from tests.helpers import count_queries

ENGLISH = [b"Select order to change", b"Select invoice to change", b"Select client to change", b"Add client",
           b"Select product to change", b"Change product", b"Change invoice", b"Recent actions", b"Type to search",
           b"Search apps and models"]


def _contract(client):
    return contracts.contract_create(client_id=client.id, title=f"Maintenance {client.company_name}",
                                     start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31),
                                     lines=[{"label": "Abonnement", "quantity": "1", "unit_price_net": "100", "vat_rate": "20"}])


def _transfer():
    from contexts.finance.services import payments

    return payments.record_payment(client_id=CompanyClientFactory().id, method="transfer", amount="120.00",
                                   reference="VIR 42")


# The orders list is measured with real checkouts in tests/contexts/commercial/test_contracts_returns.py.


def test_lists_show_the_clients_name_with_a_link_not_its_uuid(admin_browser):
    client = CompanyClientFactory(company_name="Fromagerie Dubois")
    _contract(client)
    page = admin_browser.get("/admin/commercial/contract/").content.decode()
    assert f'href="/admin/core/client/{client.pk}/change/"' in page
    assert ">Fromagerie Dubois</a>" in page
    assert str(client.pk) not in page.replace(f"/admin/core/client/{client.pk}/change/", "")


def test_a_change_page_names_the_client_too(admin_browser):
    client = CompanyClientFactory(company_name="Hôtel du Port")
    contract = _contract(client)
    page = admin_browser.get(f"/admin/commercial/contract/{contract.pk}/change/").content.decode()
    assert ">Hôtel du Port</a>" in page


@pytest.mark.parametrize("url,make", [
    ("/admin/commercial/contract/", lambda: _contract(CompanyClientFactory())),
    ("/admin/finance/invoice/", lambda: issued_invoice()),
    ("/admin/finance/payment/", lambda: _transfer()),
    ("/admin/inventory/stockitem/", lambda: inf.stocked(quantity=3)),
    ("/admin/inventory/stockmovement/", lambda: inf.stocked(quantity=3)),
])
def test_changelists_run_the_same_queries_for_one_row_or_many(admin_browser, seller, url, make):
    make()
    admin_browser.get(url)  # warm up: sessions, content types
    one = count_queries(admin_browser.get, url)
    for _ in range(7):
        make()
    many = count_queries(admin_browser.get, url)
    assert many == one, (one, many)


def test_the_variant_column_names_the_product(admin_browser):
    from tests.factories import catalog as cf

    variant = cf.variant(name="Bougie parfumée figue")
    inf.stocked(quantity=3, variant_id=variant.id, product_id=variant.product_id)
    page = admin_browser.get("/admin/inventory/stockitem/").content.decode()
    assert "Bougie parfumée figue" in page and f"/admin/catalog/product/{variant.product_id}/change/" in page


@pytest.mark.parametrize("url", ["/admin/", "/admin/commercial/order/", "/admin/core/client/", "/admin/finance/invoice/",
                                 "/admin/catalog/product/", "/admin/core/client/add/", "/admin/inventory/stockitem/"])
def test_pages_speak_french_only(admin_browser, url):
    response = admin_browser.get(url)
    assert response.status_code == 200
    for english in ENGLISH:
        assert english not in response.content, english
    assert b"unfold" in response.content  # the theme's assets: one look for every context


def test_every_model_and_field_has_a_french_name_given():
    """Given explicitly (not derived from the English attribute name): Meta.verbose_name and
    _plural on every model, verbose_name on every field of the project's apps."""
    from django.apps import apps

    missing = []
    for model in apps.get_models():
        meta = model._meta
        if not (model.__module__.startswith("contexts.") or model.__module__.startswith("crm.")):
            continue
        if not {"verbose_name", "verbose_name_plural"} <= set(meta.original_attrs):
            missing.append(meta.label)
        inherited = {f.name for base in model.__mro__[1:] if getattr(getattr(base, "_meta", None), "abstract", False)
                     and base.__module__.startswith("django_tenants") for f in base._meta.fields}  # the library's own
        for field in meta.local_fields + meta.local_many_to_many:
            if field.name not in inherited and "verbose_name" not in field.deconstruct()[3]:
                missing.append(f"{meta.label}.{field.name}")
    assert not missing, missing


def test_the_index_shows_kpi_cards(admin_browser):
    CompanyClientFactory()
    page = admin_browser.get("/admin/").content.decode()
    assert 'data-testid="kpis"' in page and "Commandes du mois" in page and "Alertes de stock" in page


def test_a_vat_class_reads_20_percent_not_2e1():
    from decimal import Decimal

    from contexts.catalog.models import VatClass

    assert str(VatClass(name="Taux normal", rate=Decimal("20.00"))) == "Taux normal (20 %)"


def test_the_platform_admin_is_on_the_same_theme_and_in_french(public_schema):
    from django.test import Client as HttpClient

    from contexts.core.accounts.models import User

    browser = HttpClient(SERVER_NAME="localhost")
    browser.force_login(User.objects.create_user("root", password="x-Comptoir-2026", is_staff=True, is_superuser=True))
    index = browser.get("/admin/")
    assert index.status_code == 200 and b"unfold" in index.content and b"Organisations actives" in index.content
    organisations = browser.get("/admin/tenancy/organisation/").content.decode()
    assert "Alpha Boutique SARL" in organisations and "Select organisation to change" not in organisations
    assert "Organisations" in organisations and "Abonnements" in organisations  # sidebar groups of the platform
