"""The sales dashboard seen in headless Chromium (Debian's) after a real login: French, KPIs and
three SVG charts drawn; the screenshot in docs/screenshots/reports-dashboard.png is refreshed with
UPDATE_SCREENSHOTS=1 (else written to a temporary folder)."""
import datetime as dt
import os
import uuid
from decimal import Decimal as D

import pytest
import time_machine
from django.db import connection

from tests.admin.test_screenshots import CHROMIUM, DOCS_SHOTS, ENGLISH, _LiveServer
from tests.contexts.engagement.reporting.helpers import TicketCompleted, deliver_reporting, publish
from tests.factories import catalog as cat

pytestmark = [
    pytest.mark.browser, pytest.mark.committed, pytest.mark.dates,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
TODAY = dt.date(2026, 3, 31)


@pytest.fixture
def shop_with_sales(committed_tenant):
    from django_tenants.utils import get_tenant_domain_model, schema_context

    from contexts.core.accounts.models import User

    products = [cat.variant(name=n, price=p) for n, p in
                [("Écharpe en laine", "39.00"), ("Bonnet rayé", "19.00"), ("Gants en cuir", "59.00"), ("Chaussettes", "9.00")]]
    shops = [uuid.uuid4(), uuid.uuid4()]
    for day in range(30):
        when = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc) + dt.timedelta(days=day)
        for k in range(1 + day % 4):
            v = products[(day + k) % 4]
            total = v.price * (1 + k % 2)
            with time_machine.travel(when + dt.timedelta(minutes=k), tick=False):
                publish(TicketCompleted(ticket_id=uuid.uuid4(), register_id=uuid.uuid4(), location_id=shops[k % 2],
                                        number=k, cashier_id=1, customer_id=None, total=total,
                                        total_net=(total / D("1.2")).quantize(D("0.01")),
                                        total_vat=total - (total / D("1.2")).quantize(D("0.01")),
                                        business_date=when.date().isoformat(),
                                        items=({"variant_id": v.id, "quantity": 1 + k % 2, "total": total},)))
    deliver_reporting()
    User.objects.create_superuser("direction", "direction@boutique-comptoir.fr", "Comptoir-2026!", role="owner")
    with schema_context("public"):
        domain, _ = get_tenant_domain_model().objects.get_or_create(
            domain="gamma.localhost", defaults={"tenant": committed_tenant, "is_primary": False})
    connection.set_tenant(committed_tenant)
    try:
        yield committed_tenant
    finally:
        with schema_context("public"):
            domain.delete()
        connection.set_tenant(committed_tenant)


def test_sales_dashboard_in_chromium(shop_with_sales, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with _LiveServer() as server, sync_playwright() as p:
        base = f"http://gamma.localhost:{server.port}"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="fr-FR")
            page.goto(f"{base}/admin/login/?next=/admin/")
            page.fill("input[name=username]", "direction")
            page.fill("input[name=password]", "Comptoir-2026!")
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(f"{base}/admin/")
            response = page.goto(f"{base}/admin/engagement/dailysales/?date={TODAY.isoformat()}")
            assert response.status == 200
            text = page.inner_text("body")
            for phrase in ["Tableau de bord des ventes", "CA 30 jours", "Panier moyen", "Balance âgée des créances"]:
                assert phrase in text, phrase
            for english in ENGLISH:
                assert english not in text, english
            assert page.locator("[data-testid=sales-dashboard] svg").count() >= 3
            assert page.locator("[data-testid=sales-dashboard] svg rect").count() > 30  # bars were drawn
            page.screenshot(path=str(shots / "reports-dashboard.png"), full_page=True)
        finally:
            browser.close()
    assert (shots / "reports-dashboard.png").stat().st_size > 20_000
