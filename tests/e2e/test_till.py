"""A cashier's day at the till, in Debian's headless Chromium against a live server on loopback:
open a session counting the float, scan three products by barcode, a ticket discount approved
by a manager's PIN, pay part cash part card, print the receipt (and a duplicate), return one
item from that ticket, close the session with a cash difference and read the Z report.
Screenshots of the till, the receipt and the Z report go to docs/screenshots/ with
UPDATE_SCREENSHOTS=1 (docs/till.md shows them), else to a temporary folder."""
from __future__ import annotations

import http.client
import os
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.admin.test_screenshots import CHROMIUM, _LiveServer

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Caisse-Comptoir-2026!"
MANAGER_PIN = "4821"

pytestmark = [
    pytest.mark.browser, pytest.mark.committed,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (./dev bootstrap installs it)"),
]


@pytest.fixture
def shop(committed_tenant):
    """A shop with one register, three products in stock (two VAT rates), a cashier and a
    manager with a PIN, and the host gamma.localhost (which resolves to loopback)."""
    from django_tenants.utils import get_tenant_domain_model, schema_context

    from contexts.core.accounts.models import User
    from contexts.pos.services import managers, registers
    from tests.factories import catalog as cf
    from tests.factories import inventory as inv
    from tests.factories.core import PersonClientFactory

    location = inv.location(kind="shop", code="paris-11")
    registers.set_shop_identity(location_id=location.id, name="Comptoir Roquette", siret="73282932000074",
                                address_line="8 rue de la Roquette", postal_code="75011", city="Paris",
                                receipt_footer="Échange sous 30 jours sur présentation du ticket.")
    register = registers.create_register(name="Caisse 1", code="roquette-1", location_id=location.id)
    category = cf.category("Accessoires")
    products = [
        cf.product("Écharpe en laine mérinos", cat=category, price="39.90"),
        cf.product("Bonnet côtelé", cat=category, price="19.90", colour="Gris"),
        cf.product("Carnet de notes A5", cat=category, price="8.50", vat="reduit", colour="Kraft"),
    ]
    variants = [p.variants.get() for p in products]
    for v in variants:
        inv.stocked(5, loc=location, variant_id=v.id, product_id=v.product_id)
    cashier = User.objects.create_user("camille", "camille@boutique-comptoir.fr", PASSWORD, role="cashier", is_staff=True,
                                       first_name="Camille", last_name="Durand")
    manager = User.objects.create_user("nadia", "nadia@boutique-comptoir.fr", PASSWORD, role="manager", is_staff=True,
                                       first_name="Nadia", last_name="Benali")
    managers.set_manager_pin(user_id=manager.pk, pin=MANAGER_PIN)
    PersonClientFactory(first_name="Léa", last_name="Martin", email="lea.martin@exemple.fr", phone="06 12 34 56 78")
    with schema_context("public"):
        domain, _ = get_tenant_domain_model().objects.get_or_create(
            domain="gamma.localhost", defaults={"tenant": committed_tenant, "is_primary": False})
    connection.set_tenant(committed_tenant)
    try:
        yield {"register": register, "variants": variants, "cashier": cashier, "manager": manager, "location": location}
    finally:
        with schema_context("public"):
            domain.delete()
        connection.set_tenant(committed_tenant)


def _euros(text: str) -> Decimal:
    """'1 234,56 €' -> Decimal('1234.56')"""
    return Decimal(re.sub(r"[^\d,\-−]", "", text).replace("−", "-").replace(",", "."))


def _fill_count(page, cents: int) -> None:
    """Types a cash count adding up to `cents`, largest notes first."""
    for value in (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1):
        n, cents = divmod(cents, value)
        page.fill(f"input[data-value-cents='{value}']", str(n) if n else "")


def _db(tenant, read):
    """Runs a database read in a thread of its own, in the tenant's schema: Playwright's sync API
    keeps an event loop running in the test's thread, where Django refuses synchronous queries."""
    def run():
        connection.set_tenant(tenant)
        try:
            return read()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_a_cashiers_day(shop, committed_tenant, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from contexts.inventory.models import StockItem
    from contexts.pos.models import Closing, JournalEntry, Ticket

    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    scarf, hat, notebook = shop["variants"]
    with _LiveServer() as server, sync_playwright() as p:
        base = f"http://gamma.localhost:{server.port}"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="fr-FR")
            # window.print() is counted instead of opening the printer dialog.
            page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
            page.goto(f"{base}/admin/login/?next=/till/")
            page.fill("input[name=username]", "camille")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(f"{base}/till/")

            # 1. Open a session: the float is 2 x 20 € + 5 x 10 € + 10 x 1 € + 20 x 0,50 € = 110 €.
            expect(page.locator("h1")).to_have_text("Ouverture de caisse")
            page.check("input[name=register]")
            page.fill("input[name=d_20]", "2")
            page.fill("input[name=d_10]", "5")
            page.fill("input[name=d_1]", "10")
            page.fill("input[name=d_0_50]", "20")
            expect(page.locator("[data-count-total]")).to_have_text("110,00\u00a0€")
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(shots / "till-open.png"))
            page.click("#open-session")
            page.wait_for_url(re.compile(r"/till/sessions/[0-9a-f-]+/$"))
            sale_url = page.url

            # 2. Scan three barcodes: the scanner types the EAN-13 then Enter in the focused field.
            scan = page.locator("#scan")
            expect(scan).to_be_focused()
            for variant in (scarf, hat, notebook):
                page.keyboard.type(variant.ean13)
                page.keyboard.press("Enter")
            expect(page.locator("#lines tbody tr")).to_have_count(3)
            expect(page.locator("#total")).to_have_text("68,30\u00a0€")  # 39.90 + 19.90 + 8.50
            # Quantity by shortcut: F2 on the selected (last) line, then back to 1.
            page.keyboard.press("F2")
            page.fill("#dlg-qty input[name=qty]", "2")
            page.keyboard.press("Enter")
            expect(page.locator("#total")).to_have_text("76,80\u00a0€")
            page.keyboard.press("-")
            expect(page.locator("#total")).to_have_text("68,30\u00a0€")

            # 3. A 15 % ticket discount is above the 10 % threshold: the manager types their PIN.
            page.keyboard.press("F4")
            page.fill("#dlg-discount input[name=value]", "15%")
            page.keyboard.press("Enter")
            expect(page.locator("#dlg-pin")).to_be_visible()
            page.fill("#dlg-pin input[name=pin]", "0000")
            page.keyboard.press("Enter")
            expect(page.locator("#dlg-pin")).to_be_visible()  # a wrong PIN asks again
            page.fill("#dlg-pin input[name=pin]", MANAGER_PIN)
            page.keyboard.press("Enter")
            expect(page.locator("#ticket-discount")).to_contain_text("10,25")  # 15 % of 68.30, half up
            expect(page.locator("#ticket-discount")).to_contain_text("Nadia Benali")
            expect(page.locator("#total")).to_have_text("58,05\u00a0€")

            # The customer asks for their loyalty account: F10, search by name.
            page.keyboard.press("F10")
            page.fill("#dlg-customer input[name=q]", "martin")
            page.locator("#dlg-customer [data-pick]").first.click()
            expect(page.locator("#customer")).to_contain_text("Léa Martin")

            # 4. Part cash (20 €), then the rest by card with the terminal's approval number.
            page.keyboard.press("F5")
            page.fill("#dlg-tender input[name=amount]", "20")
            page.keyboard.press("Enter")
            expect(page.locator("#remaining")).to_have_text("38,05\u00a0€")
            page.screenshot(path=str(shots / "till-sale.png"))
            # The whole sale screen fits 1024 x 768: nothing scrolls, the payment keys are in view.
            assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [1024, 768]
            expect(page.locator("[data-tender=card]")).to_be_in_viewport()
            page.keyboard.press("F6")
            expect(page.locator("#dlg-tender input[name=amount]")).to_have_value("38,05")
            page.fill("#dlg-tender input[name=reference]", "A47X21")
            page.keyboard.press("Enter")

            # 5. The receipt prints itself: legal mentions, VAT per rate, signature excerpt.
            page.wait_for_url(re.compile(r"/till/tickets/[0-9a-f-]+/receipt/"))
            receipt = page.locator("#receipt")
            expect(receipt).to_contain_text("SIRET 73282932000074")
            expect(receipt).to_contain_text("roquette-1-000001")
            expect(receipt).to_contain_text("TOTAL TTC")
            expect(receipt).to_contain_text("58,05")
            expect(receipt).to_contain_text("20 %")
            expect(receipt).to_contain_text("5,5 %")
            expect(receipt).to_contain_text("A47X21")
            expect(receipt).to_contain_text("Signature")
            expect(receipt).not_to_contain_text("DUPLICATA")
            assert page.evaluate("window.__printed") == 1
            page.screenshot(path=str(shots / "till-receipt.png"), full_page=True)
            ticket = _db(committed_tenant, lambda: Ticket.objects.get(number=1, register=shop["register"]))
            assert ticket.total == Decimal("58.05") and ticket.customer_id is not None
            assert ticket.approved_by_id == shop["manager"].pk
            paid = _db(committed_tenant, lambda: {t.method: t.amount for t in ticket.tenders.all()})
            assert paid == {"cash": Decimal("20.00"), "card": Decimal("38.05")}

            # A reprint is a duplicate: marked, counted in the journal.
            page.click("#reprint")
            expect(page.locator("#receipt .dup")).to_contain_text("DUPLICATA")
            assert _db(committed_tenant, lambda: JournalEntry.objects.filter(kind="duplicate", reference=str(ticket.id)).count()) == 1
            pdf = page.evaluate("""async (url) => { const r = await fetch(url); const b = new Uint8Array(await r.arrayBuffer());
                return [r.status, r.headers.get("content-type"), String.fromCharCode(...b.slice(0, 4))]; }""",
                                f"/till/tickets/{ticket.id}/receipt.pdf")
            assert pdf == [200, "application/pdf", "%PDF"]

            # 6. The customer brings the notebook back: return from the ticket's printed number.
            page.goto(sale_url)
            page.click("#go-returns")
            page.wait_for_url(re.compile(r"/returns/$"))
            page.wait_for_load_state("load")  # the page's script handles Enter (before it, the form would reload)
            page.fill("#ticket-number", "roquette-1-000001")
            page.keyboard.press("Enter")
            expect(page.locator("#return-lines tr")).to_have_count(3)
            row = page.locator("#return-lines tr", has_text="Carnet de notes A5")
            row.locator("input").fill("1")
            page.screenshot(path=str(shots / "till-return.png"))
            refund = _euros(page.locator("#refund-total").inner_text())
            assert Decimal("7.00") < refund < Decimal("8.50")  # its share of the ticket discount is kept
            page.keyboard.press("F12")
            page.wait_for_url(re.compile(r"/till/tickets/[0-9a-f-]+/receipt/"))
            expect(page.locator("#receipt")).to_contain_text("RETOUR")
            expect(page.locator("#receipt")).to_contain_text("roquette-1-000002")
            returned = _db(committed_tenant, lambda: Ticket.objects.get(number=2, register=shop["register"]))
            assert returned.kind == "return" and returned.original_ticket_id == ticket.id
            assert returned.total == -refund
            on_hand = _db(committed_tenant, lambda: StockItem.objects.get(variant_id=notebook.id, location_id=shop["location"].id).on_hand)
            assert on_hand == 5  # sold one, got it back

            # 7. Close: the drawer is 1.50 € short of what is expected.
            page.goto(sale_url)
            page.click("#go-close")
            page.wait_for_load_state("load")
            cash_row = page.locator("[data-tender-row=cash]")
            expected = int(cash_row.get_attribute("data-expected-cents"))
            _fill_count(page, expected - 150)
            expect(cash_row.locator("[data-diff]")).to_have_text("−1,50\u00a0€")
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(shots / "till-close.png"))
            page.click("#close-session")
            page.wait_for_url(re.compile(r"/till/closings/[0-9a-f-]+/$"))
            z = page.locator("#zreport")
            expect(z).to_contain_text("Z de caisse")
            expect(page.locator("#z-tenders")).to_contain_text("-1,50")
            page.screenshot(path=str(shots / "till-z-report.png"), full_page=True)
            closing = _db(committed_tenant, lambda: Closing.objects.get(session__register=shop["register"], kind="session"))
            assert Decimal(closing.difference["cash"]) == Decimal("-1.50")
            assert closing.totals["tickets"] == 2
        finally:
            browser.close()
    for name in ("till-open", "till-sale", "till-receipt", "till-return", "till-close", "till-z-report"):
        assert (shots / f"{name}.png").stat().st_size > 15_000, name  # a real page, not a blank one


def test_a_ticket_completed_while_the_server_does_not_answer_is_kept_and_counted_once(shop, committed_tenant):
    """The network drops twice: once before the request reaches the server, once after the
    server committed the ticket but before its answer arrives. Both tickets wait in the page's
    localStorage and are resent with their UUID: the server holds exactly two tickets."""
    from playwright.sync_api import expect, sync_playwright

    from contexts.pos.models import Ticket
    from contexts.pos.services import sessions

    session = sessions.open_session(register_id=shop["register"].id, cashier_id=shop["cashier"].pk,
                                    opening_float=Decimal("50.00"))
    scarf, hat, _ = shop["variants"]
    with _LiveServer() as server, sync_playwright() as p:
        base = f"http://gamma.localhost:{server.port}"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="fr-FR")
            page.goto(f"{base}/admin/login/?next=/till/")
            page.fill("input[name=username]", "camille")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(f"{base}/till/sessions/{session.id}/")  # straight back to the open session

            def sell(variant, lose):
                page.route("**/till/api/tickets", lose)
                page.keyboard.type(variant.ean13)
                page.keyboard.press("Enter")
                expect(page.locator("#lines tbody tr")).to_have_count(1)
                page.keyboard.press("F5")
                page.keyboard.press("Enter")  # the exact amount, proposed
                expect(page.locator("#flash")).to_contain_text("gardé sur ce poste")
                page.unroute("**/till/api/tickets")

            sell(scarf, lambda route: route.abort())  # never reached the server

            def answer_lost(route):
                # The request reaches the server (sent from here: Playwright's own client cannot
                # resolve *.localhost), which completes the ticket... and its answer is lost.
                request = route.request
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length",)}
                conn.request("POST", "/till/api/tickets", body=request.post_data_buffer,
                             headers={**headers, "Host": f"gamma.localhost:{server.port}"})
                assert conn.getresponse().status == 201
                conn.close()
                route.abort()

            sell(hat, answer_lost)
            expect(page.locator("#pending")).to_contain_text("2 ticket(s) en attente")
            assert len(page.evaluate("JSON.parse(localStorage.getItem('comptoir.till.pending'))")) == 2
            assert _db(committed_tenant, lambda: Ticket.objects.filter(session=session).count()) == 1

            page.evaluate("window.dispatchEvent(new Event('online'))")  # the network is back
            expect(page.locator("#pending")).to_be_hidden()
            expect(page.locator("#flash a")).to_have_text("Imprimer son ticket")  # its receipt, once it is counted
            assert page.evaluate("JSON.parse(localStorage.getItem('comptoir.till.pending'))") == []
        finally:
            browser.close()
    sold = _db(committed_tenant, lambda: sorted(Ticket.objects.filter(session=session).values_list("number", "total")))
    assert sold == [(1, Decimal("19.90")), (2, Decimal("39.90"))]  # the hat first: its ticket was committed first
