import datetime as dt
import uuid
from decimal import Decimal as D

import pytest

from contexts.commercial.models import Contract, ContractStatus, Order
from contexts.commercial.services import checkout, contracts, orders
from contexts.finance.models import Invoice, Payment
from contexts.inventory.models import StockItem, StockMovement
from crm.models import OutboxEvent
from crm.rest.errors import InvalidInput
from tests.factories import commercial as f
from tests.factories.core import CompanyClientFactory

pytestmark = pytest.mark.dates

LINES = [{"label": "Maintenance caisse", "quantity": "1", "unit_price_net": "49.00", "vat_rate": "20"}]


def test_contract_signing_billing_per_period_and_tacit_renewal(seller):
    client = CompanyClientFactory()
    contract = contracts.contract_create(client_id=client.id, title="Maintenance", start_date=dt.date(2026, 1, 15),
                                         end_date=dt.date(2027, 1, 15), lines=LINES)
    assert contracts.bill_period(today=dt.date(2026, 11, 20)) == 0  # a draft is not billed
    contracts.contract_sign(contract_id=contract.id, signed_by="Mme Durand, gérante")
    assert OutboxEvent.objects.filter(name="commercial.contract.signed.v1").count() == 1
    with pytest.raises(contracts.ContractStateError):
        contracts.contract_sign(contract_id=contract.id, signed_by="again")
    assert contracts.bill_period(today=dt.date(2026, 11, 20)) == 1
    assert contracts.bill_period(today=dt.date(2026, 11, 25)) == 1  # same period: the same invoice
    assert Invoice.objects.filter(contract_id=contract.id).count() == 1
    assert Invoice.objects.get(contract_id=contract.id).total_gross == D("58.80")
    assert contracts.renew_due(today=dt.date(2027, 1, 15)) == 1
    contract.refresh_from_db()
    assert (contract.start_date, contract.end_date) == (dt.date(2027, 1, 15), dt.date(2028, 1, 15))


def test_contract_input_is_checked(seller):
    client = CompanyClientFactory()
    with pytest.raises(InvalidInput) as err:
        contracts.contract_create(client_id=client.id, title="x", start_date=dt.date(2026, 2, 1), end_date=dt.date(2026, 1, 1), lines=LINES)
    assert err.value.field == "end_date"
    with pytest.raises(InvalidInput) as err:
        contracts.contract_create(client_id=uuid.uuid4(), title="x", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 2, 1), lines=LINES)
    assert err.value.field == "client_id"
    assert not Contract.objects.filter(status=ContractStatus.SIGNED).exists()


def test_a_return_restocks_credits_and_refunds(seller, stripe_api):
    from contexts.commercial.services import carts

    c = f.customer()
    variant = f.stocked_variant(units=5, price="30.00")
    session = uuid.uuid4().hex
    carts.add_item(session_id=session, variant_id=variant.id, quantity=3, customer_id=c.id)
    order = checkout.checkout(session_id=session, customer_id=c.id, payment_method="pm_card_visa", idempotency_key="ret-1")
    with pytest.raises(orders.IllegalTransition):
        orders.order_return(order_id=order.id, lines=[{"variant_id": str(variant.id), "quantity": 1}])
    orders.set_status(order_id=order.id, status="preparing")
    orders.set_status(order_id=order.id, status="shipped")
    ret = orders.order_return(order_id=order.id, lines=[{"variant_id": str(variant.id), "quantity": 1}], reason="taille")
    assert ret.amount == D("30.00") and ret.credit_note_number.startswith("AV-")
    assert StockItem.objects.get(variant_id=variant.id).on_hand == 3
    assert StockMovement.objects.filter(kind="return").get().quantity == 1
    assert Payment.objects.get(order_id=order.id).refunded_amount == D("30.00")
    with pytest.raises(InvalidInput) as err:
        orders.order_return(order_id=order.id, lines=[{"variant_id": str(variant.id), "quantity": 3}])
    assert err.value.field == "lines[0].quantity"
    orders.order_return(order_id=order.id, lines=[{"variant_id": str(variant.id), "quantity": 2}])
    assert Order.objects.get(pk=order.id).status == "returned"


def test_order_admin_list_has_a_bounded_query_count(seller, stripe_api):
    from django.test import Client as HttpClient

    from contexts.commercial.services import carts
    from tests.factories.core import StaffFactory
    from tests.helpers import count_queries

    def one_order(i):
        c = f.customer()
        v = f.stocked_variant(units=2, price="20.00", name=f"Carnet {i}")
        s = uuid.uuid4().hex
        carts.add_item(session_id=s, variant_id=v.id, quantity=1, customer_id=c.id)
        checkout.checkout(session_id=s, customer_id=c.id, payment_method="pm_card_visa", idempotency_key=f"adm-{i}")

    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="manager"))
    one_order(0)
    few = count_queries(browser.get, "/admin/commercial/order/")
    for i in range(1, 5):
        one_order(i)
    assert count_queries(browser.get, "/admin/commercial/order/") == few
