"""The read model: fact rows from web, contract and till events, written once whatever the
deliveries; roll-ups in step; a rebuild from the sources gives the same totals."""
import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
import time_machine
from django.db.models import Sum

from contexts.engagement.reporting import services
from contexts.engagement.reporting.models import DailyDocuments, DailySales, DocumentFact, InvoiceFact, PaymentFact, SaleFact
from contexts.finance.services import invoicing, payments
from tests.contexts.engagement.reporting.helpers import TicketCompleted, TicketReturned, deliver_reporting, publish
from tests.factories import catalog as cat
from tests.factories.core import CompanyClientFactory

pytestmark = pytest.mark.dates

MONDAY = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.timezone.utc)  # 11:30 in Paris


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    from contexts.finance import documents

    monkeypatch.setattr(documents, "schedule_render", lambda **kw: None)


def _invoice(client, variant, qty="2", unit="10.00", order_id=None, contract=False):
    lines = [{"label": "Écharpe", "quantity": qty, "unit_price_net": unit, "vat_rate": "20", "variant_id": variant.id},
             {"label": "Livre", "quantity": "1", "unit_price_net": "9.99", "vat_rate": "5.5", "variant_id": None}]
    draft = invoicing.draft_create(client_id=client.id, lines=lines, **({"order_id": order_id} if order_id else {}))
    return invoicing.invoice_issue(invoice_id=draft.id)


def _totals():
    facts = SaleFact.objects.aggregate(net=Sum("net"), vat=Sum("vat"), gross=Sum("gross"), q=Sum("quantity"))
    rolled = DailySales.objects.aggregate(net=Sum("net"), vat=Sum("vat"), gross=Sum("gross"), q=Sum("quantity"))
    return facts, rolled


@pytest.fixture
def scene(tenant, seller):
    """Web order invoice (2 x 10 + 9.99 net), a contract invoice, a credit note, a payment,
    a till ticket (60.00 incl. VAT) and a till return (-30.00), all through events."""
    with time_machine.travel(MONDAY, tick=False):
        client = CompanyClientFactory(vat_number="FR40123456824", city="Lyon", postal_code="69003", address_line="1 rue")
        variant = cat.variant(name="Écharpe", price="36.00")
        web = _invoice(client, variant, order_id=uuid.uuid4())
        contract = _invoice(client, variant, qty="1")
        credit = invoicing.credit_note_create(invoice_id=contract.id)
        invoicing.invoice_issue(invoice_id=credit.id)
        payments.record_payment(client_id=client.id, method="transfer", amount=web.total_gross, invoice_ids=[web.id])
        shop, register = uuid.uuid4(), uuid.uuid4()
        ticket = uuid.uuid4()
        publish(TicketCompleted(ticket_id=ticket, register_id=register, location_id=shop, number=1, cashier_id=1,
                                customer_id=None, total=D("60.00"), total_net=D("50.00"), total_vat=D("10.00"),
                                business_date="2026-03-02",
                                items=({"variant_id": variant.id, "quantity": 2, "total": D("60.00")},)))
        publish(TicketReturned(ticket_id=uuid.uuid4(), original_ticket_id=ticket, register_id=register, location_id=shop,
                               number=2, kind="return", customer_id=None, total=D("-30.00"), refund_method="cash",
                               business_date="2026-03-02",
                               items=({"variant_id": variant.id, "quantity": -1, "total": D("-30.00")},)))
    return {"web": web, "contract": contract, "variant": variant, "shop": shop}


def test_events_make_fact_rows_once_even_delivered_twice(scene):
    deliver_reporting()
    assert deliver_reporting(times=2) == 0  # every (event, subscriber) already handled
    web, contract = scene["web"], scene["contract"]
    # web: 2 lines; contract + its credit note: 2 lines each; till: 1 + 1
    assert SaleFact.objects.count() == 8
    by_channel = {r["channel"]: r["gross"] for r in SaleFact.objects.values("channel").annotate(gross=Sum("gross"))}
    assert by_channel == {"web": web.total_gross, "contract": D("0.00"), "till": D("30.00")}
    till = SaleFact.objects.filter(channel="till", quantity__gt=0).get()
    assert (till.net, till.vat, till.day, till.hour, till.shop_id) == (D("50.00"), D("10.00"), dt.date(2026, 3, 2), 11,
                                                                        scene["shop"])
    assert till.category_id == scene["variant"].product.category_id
    facts, rolled = _totals()
    assert facts == rolled
    assert DailyDocuments.objects.aggregate(s=Sum("sales"), r=Sum("returns")) == {"s": 3, "r": 2}
    paid = InvoiceFact.objects.get(invoice_id=web.id)
    assert paid.paid == paid.gross == web.total_gross and PaymentFact.objects.count() == 1


def test_the_subscriber_itself_is_idempotent(scene):
    """Even called outside the handled-event guard (a rebuild racing an event), lines stay once."""
    web = scene["web"]
    assert services.record_invoice(invoice_id=web.id, occurred_at=MONDAY) is True
    assert services.record_invoice(invoice_id=web.id, occurred_at=MONDAY) is False
    assert SaleFact.objects.filter(source_id=web.id).count() == 2


def test_rebuild_gives_the_same_totals(scene):
    deliver_reporting()
    before = _totals()
    docs_before = list(DailyDocuments.objects.order_by("day", "channel").values("day", "channel", "sales", "returns", "gross"))
    receivable_before = list(InvoiceFact.objects.order_by("invoice_id").values("invoice_id", "gross", "paid", "issued_on"))
    SaleFact.objects.filter(channel="web").update(gross=D("0"), net=D("0"), vat=D("0"))  # a damaged read model
    DailySales.objects.all().delete()
    counts = services.rebuild()
    assert counts == {"invoices": 3, "payments": 1}
    assert _totals() == before
    assert list(DailyDocuments.objects.order_by("day", "channel").values("day", "channel", "sales", "returns", "gross")) == docs_before
    assert list(InvoiceFact.objects.order_by("invoice_id").values("invoice_id", "gross", "paid", "issued_on")) == receivable_before
    assert DocumentFact.objects.filter(channel="till").count() == 2  # till facts kept
