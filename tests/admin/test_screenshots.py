"""The back office seen by a person: headless Chromium (Debian's) logs in through the real login
form of a live server on loopback, opens the main pages, checks they speak French, and saves the
screenshots shown in docs/back-office.md."""
from __future__ import annotations

import os
import random
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections

CHROMIUM = "/usr/bin/chromium"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ENGLISH = ["Select order to change", "Select client to change", "Change product", "Change invoice",
           "Select product to change", "Recent actions", "Log in", "Username", "Password:", "Type to search",
           "Search apps and models"]

pytestmark = [
    pytest.mark.browser, pytest.mark.committed,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (./dev bootstrap installs it)"),
]


class _LiveServer:
    """Django's threaded WSGI server (static files served from the apps) on 127.0.0.1."""

    def __init__(self):
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        self.httpd.set_app(StaticFilesHandler(WSGIHandler()))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        connections.close_all()


@pytest.fixture
def demo_shop(committed_tenant, stripe_api):
    """Tenant gamma filled with the demo's data, a few paid orders, a staff login, and the host
    gamma.localhost (which resolves to loopback)."""
    from django_tenants.utils import get_tenant_domain_model, schema_context

    from contexts.commercial.services import carts, checkout
    from contexts.core.accounts.models import User
    from config.demo.data import seed_demo
    from tests.factories import commercial as f

    seed_demo(rng=random.Random(7), password="demo-comptoir")
    from contexts.catalog.models import Variant

    for i, variant in enumerate(Variant.objects.order_by("sku")[:3]):  # the demo's, in stock at the web warehouse
        customer = f.customer()
        session = uuid.uuid4().hex
        carts.add_item(session_id=session, variant_id=variant.id, quantity=1 + i, customer_id=customer.id)
        order = checkout.checkout(session_id=session, customer_id=customer.id, payment_method="pm_card_visa",
                                  idempotency_key=f"shot-{i}")
        checkout.complete_paid(order_id=order.id, payment_id=order.payment_id)  # the worker's part: its invoice
    User.objects.create_superuser("direction", "direction@boutique-comptoir.fr", "Comptoir-2026!", role="owner")
    with schema_context("public"):
        domain, _ = get_tenant_domain_model().objects.get_or_create(domain="gamma.localhost",
                                                                    defaults={"tenant": committed_tenant, "is_primary": False})
    connection.set_tenant(committed_tenant)
    try:
        yield committed_tenant
    finally:
        with schema_context("public"):
            domain.delete()
        connection.set_tenant(committed_tenant)


def test_back_office_screenshots_in_french(demo_shop, tmp_path):
    """Writes the PNGs to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (to refresh the docs), else to
    a temporary folder: a test run leaves the checkout as it was."""
    from playwright.sync_api import sync_playwright

    SHOTS = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path

    from contexts.catalog.models import Product
    from contexts.finance.models import Invoice

    product = Product.objects.filter(variants__isnull=False).order_by("name").first()
    invoice = Invoice.objects.filter(status="issued", kind="invoice").order_by("number").first()
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = [
        ("index", "/admin/", ["Commandes du mois", "Clients"]),
        ("clients", "/admin/core/client/", ["Clients", "Particulier", "Entreprise"]),
        ("product", f"/admin/catalog/product/{product.pk}/change/", [product.name, "Variantes"]),
        ("orders", "/admin/commercial/order/", ["Commandes", "Payée"]),
        ("invoice", f"/admin/finance/invoice/{invoice.pk}/change/", [invoice.number, "Lignes de facture"]),
    ]
    with _LiveServer() as server, sync_playwright() as p:
        base = f"http://gamma.localhost:{server.port}"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-FR")
            page.goto(f"{base}/admin/login/?next=/admin/")
            page.fill("input[name=username]", "direction")
            page.fill("input[name=password]", "Comptoir-2026!")
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(f"{base}/admin/")
            for name, path, expected in pages:
                response = page.goto(f"{base}{path}")
                assert response.status == 200, (path, response.status)
                text = page.inner_text("body")
                for phrase in expected:
                    assert phrase.lower() in text.lower(), (path, phrase)
                for english in ENGLISH:
                    assert english not in text, (path, english)
                page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
        finally:
            browser.close()
    for name, _, _ in pages:
        assert (SHOTS / f"{name}.png").stat().st_size > 20_000, name  # a real page, not a blank one
