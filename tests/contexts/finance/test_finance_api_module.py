"""finance.api: what commercial will call for orders and contracts."""
import uuid
from decimal import Decimal as D

from contexts.finance import api as finance_api
from contexts.finance.models import Invoice
from tests.factories.core import CompanyClientFactory

LINES = [{"label": "Pull marin", "quantity": "1", "unit_price_net": "54.1667", "vat_rate": "20"}]


def test_an_order_paid_by_card_then_invoiced_is_settled_and_invoiced_once(seller, stripe_api):
    client = CompanyClientFactory()
    order_id = uuid.uuid4()
    paid = finance_api.pay_order_by_card(order_id=order_id, client_id=client.id, amount=D("65.00"),
                                         payment_method="pm_card_visa", idempotency_key=f"order-{order_id}")
    assert paid.status == "succeeded"
    invoice = finance_api.invoice_for_order(order_id=order_id, client_id=client.id, lines=LINES)
    again = finance_api.invoice_for_order(order_id=order_id, client_id=client.id, lines=LINES)
    assert invoice == again and invoice.number.startswith("FA-")
    assert (invoice.total_gross, invoice.balance) == (D("65.00"), D("0.00"))


def test_contract_periods_are_invoiced_once_each(seller):
    client = CompanyClientFactory()
    contract = uuid.uuid4()
    nov = finance_api.invoice_for_contract_period(contract_id=contract, client_id=client.id, period="2026-11", lines=LINES)
    assert finance_api.invoice_for_contract_period(contract_id=contract, client_id=client.id, period="2026-11", lines=LINES) == nov
    dec = finance_api.invoice_for_contract_period(contract_id=contract, client_id=client.id, period="2026-12", lines=LINES)
    assert dec.number != nov.number and Invoice.objects.filter(contract_id=contract).count() == 2
