"""Agents' commissions: both scale kinds, category scales, the clawback, statements."""
from decimal import Decimal as D

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from contexts.commercial import handlers
from contexts.commercial.models import AgentAssignment, Commission, CommissionScale, CommissionStatement, CommissionTier, SalesAgent
from contexts.commercial.services import commissions
from contexts.finance.services import invoicing, payments
from crm.eventbus import Envelope
from crm.models import OutboxEvent
from tests.factories import catalog as cat
from tests.factories.core import CompanyClientFactory

pytestmark = pytest.mark.dates

TIERS = [("0", "5"), ("1000", "8"), ("5000", "10")]


def _scale(kind, basis="collected", category=None):
    scale = CommissionScale.objects.create(name=f"{kind}", kind=kind, basis=basis, category_id=category)
    for threshold, rate in TIERS:
        CommissionTier.objects.create(scale=scale, threshold=D(threshold), rate=D(rate))
    return scale


@pytest.mark.parametrize("kind, before, base, expected", [
    # progressive: 0-1000 at 5 %, 1000-5000 at 8 %, above at 10 %
    ("progressive", "0", "1500", "90.00"),      # 1000 x 5 % + 500 x 8 %
    ("progressive", "4000", "2000", "180.00"),  # 1000 x 8 % + 1000 x 10 %
    # slab: the new volume at the rate of the tier reached
    ("slab", "0", "1500", "120.00"),            # 1500 x 8 %
    ("slab", "4000", "2000", "200.00"),         # 2000 x 10 %
    ("slab", "0", "999.99", "50.00"),
])
def test_scale_kinds(kind, before, base, expected):
    tiers = [(D(t), D(r)) for t, r in TIERS]
    assert commissions.commission_for(kind=kind, tiers=tiers, before=D(before), base=D(base)) == D(expected)


def _invoice(client, net_unit="1000", qty="1", variant=None):
    lines = [{"label": "Mobilier", "quantity": qty, "unit_price_net": net_unit, "vat_rate": "20",
              "variant_id": variant.id if variant else None}]
    return invoicing.invoice_issue(invoice_id=invoicing.draft_create(client_id=client.id, lines=lines).id)


def _pay_and_handle(invoice, amount=None):
    payment = payments.record_payment(client_id=invoice.client_id, method="transfer", amount=amount or invoice.total_gross,
                                      invoice_ids=[invoice.id])
    event = OutboxEvent.objects.filter(name="finance.payment.received.v1").order_by("-created_at").first()
    handlers.commission_on_payment(Envelope(event.id, event.name, event.occurred_at, event.payload))
    return payment


@pytest.fixture
def agent():
    return SalesAgent.objects.create(name="Paul Apporteur", email="paul@apport.fr")


def test_collected_progressive_commissions_follow_the_months_volume(seller, agent):
    client = CompanyClientFactory()
    AgentAssignment.objects.create(agent=agent, client_id=client.id, scale=_scale("progressive"))
    first = _invoice(client, "600")
    _pay_and_handle(first)            # base 600 at 5 % = 30
    second = _invoice(client, "900")
    _pay_and_handle(second, amount="540.00")  # half of 1080 TTC -> base 450: 400 at 5 % + 50 at 8 % = 24
    assert list(Commission.objects.order_by("created_at").values_list("base", "amount")) == [(D("600.00"), D("30.00")),
                                                                                           (D("450.00"), D("24.00"))]
    # A redelivered event counts nothing twice.
    event = OutboxEvent.objects.filter(name="finance.payment.received.v1").order_by("-created_at").first()
    handlers.commission_on_payment(Envelope(event.id, event.name, event.occurred_at, event.payload))
    assert Commission.objects.count() == 2


def test_invoiced_slab_commissions_and_the_clawback_of_a_credit_note(seller, agent):
    client = CompanyClientFactory()
    AgentAssignment.objects.create(agent=agent, client_id=client.id, scale=_scale("slab", basis="invoiced"))
    invoice = _invoice(client, "1500")
    issued = OutboxEvent.objects.get(name="finance.invoice.issued.v1", payload__invoice_id=str(invoice.id))
    handlers.commission_on_invoice(Envelope(issued.id, issued.name, issued.occurred_at, issued.payload))
    assert Commission.objects.get().amount == D("120.00")  # 1500 x 8 %
    credit = invoicing.credit_note_create(invoice_id=invoice.id, lines=[{"label": "Retour partiel", "quantity": "1",
                                                                         "unit_price_net": "500", "vat_rate": "20"}])
    invoicing.invoice_issue(invoice_id=credit.id)
    event = OutboxEvent.objects.get(name="finance.invoice.issued.v1", payload__kind="credit_note")
    handlers.commission_on_invoice(Envelope(event.id, event.name, event.occurred_at, event.payload))
    clawback = Commission.objects.get(source="credit_note")
    assert (clawback.base, clawback.amount) == (D("-500.00"), D("-40.00"))  # a third of the invoice, a third of 120
    period = commissions.period_of(event.occurred_at)
    assert commissions.monthly_statements(period=period) == 1
    assert commissions.monthly_statements(period=period) == 0  # one statement per agent and month
    statement = CommissionStatement.objects.get()
    assert (statement.total, statement.lines) == (D("80.00"), 2)


def test_a_category_scale_counts_only_that_categorys_lines(seller, agent):
    furniture = cat.category("Mobilier")
    chairs = cat.category("Chaises", parent=furniture)
    chair = cat.variant(name="Chaise", cat=chairs)
    lamp = cat.variant(name="Lampe")
    client = CompanyClientFactory()
    AgentAssignment.objects.create(agent=agent, client_id=client.id, scale=_scale("progressive", category=furniture.id))
    lines = [{"label": "Chaise", "quantity": "1", "unit_price_net": "400", "vat_rate": "20", "variant_id": chair.id},
             {"label": "Lampe", "quantity": "1", "unit_price_net": "600", "vat_rate": "20", "variant_id": lamp.id}]
    invoice = invoicing.invoice_issue(invoice_id=invoicing.draft_create(client_id=client.id, lines=lines).id)
    _pay_and_handle(invoice)
    assert Commission.objects.get().base == D("400.00")  # the chair only (a subcategory of the scale's)


def test_no_agent_no_commission(seller):
    client = CompanyClientFactory()
    _pay_and_handle(_invoice(client))
    assert not Commission.objects.exists()


def test_a_commission_retried_after_the_month_ended_stays_in_the_month_of_the_payment(seller, agent):
    """The payment arrives on 31 May at 23:50 in Paris; its handler is retried on 1 June."""
    client = CompanyClientFactory()
    AgentAssignment.objects.create(agent=agent, client_id=client.id, scale=_scale("progressive"))
    paris = dt.timezone(dt.timedelta(hours=2))
    with time_machine.travel(dt.datetime(2026, 5, 31, 23, 50, tzinfo=paris), tick=False):
        invoice = _invoice(client)
        payments.record_payment(client_id=client.id, method="transfer", amount=invoice.total_gross, invoice_ids=[invoice.id])
    event = OutboxEvent.objects.get(name="finance.payment.received.v1")
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=paris), tick=False):
        handlers.commission_on_payment(Envelope(event.id, event.name, event.occurred_at, event.payload))
    assert Commission.objects.get().period == "2026-05"
    assert timezone.localdate(event.occurred_at) == dt.date(2026, 5, 31)
