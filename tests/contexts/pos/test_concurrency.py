"""Real concurrent connections (threads, committed tenant)."""
import uuid

import pytest
from django.db import connection

from contexts.inventory import api as inventory_api
from contexts.pos.models import Ticket
from contexts.pos.services import integrity, tickets
from tests.concurrency import run_concurrently
from tests.factories import pos as f

pytestmark = pytest.mark.committed


def test_20_concurrent_tickets_on_one_register_get_20_consecutive_numbers(committed_tenant):
    reg = f.register()
    sess = f.session(reg)
    v = f.stocked_variant(reg.location_id, quantity=100, price="5.00")

    def sell(i):
        return tickets.complete_ticket(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                                       lines=[{"variant_id": v.id, "quantity": 1}], tenders=[{"method": "cash", "amount": "5.00"}]).number

    results = run_concurrently(sell, 20, tenant=committed_tenant)
    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == list(range(1, 21))
    assert inventory_api.availability(variant_ids=[v.id], location_id=reg.location_id)[v.id].on_hand == 80
    assert integrity.verify_journal().ok


def test_two_registers_selling_the_last_unit_at_once_both_succeed_stock_minus_one_alert_open(committed_tenant):
    shop = f.shop()
    regs = [f.register(shop), f.register(shop)]
    sessions = [f.session(r) for r in regs]
    v = f.stocked_variant(shop.id, quantity=1, price="5.00")

    def sell(i):
        return tickets.complete_ticket(session_id=sessions[i].id, uuid=uuid.uuid4(), cashier_id=sessions[i].cashier_id,
                                       lines=[{"variant_id": v.id, "quantity": 1}], tenders=[{"method": "cash", "amount": "5.00"}])

    results = run_concurrently(sell, 2, tenant=committed_tenant)
    assert all(isinstance(r, Ticket) for r in results), results
    assert inventory_api.availability(variant_ids=[v.id], location_id=shop.id)[v.id].on_hand == -1
    assert v.id in inventory_api.open_alerts(location_id=shop.id)


def test_the_same_uuid_resubmitted_concurrently_is_counted_once(committed_tenant):
    reg = f.register()
    sess = f.session(reg)
    v = f.stocked_variant(reg.location_id, quantity=10, price="5.00")
    key = uuid.uuid4()

    def sell(i):
        return tickets.complete_ticket(session_id=sess.id, uuid=key, cashier_id=sess.cashier_id,
                                       lines=[{"variant_id": v.id, "quantity": 1}], tenders=[{"method": "cash", "amount": "5.00"}]).pk

    results = run_concurrently(sell, 5, tenant=committed_tenant)
    assert len(set(results)) == 1, results
    assert Ticket.objects.count() == 1
    assert inventory_api.availability(variant_ids=[v.id], location_id=reg.location_id)[v.id].on_hand == 9
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_number FROM pos_register WHERE id = %s", [reg.id])
        assert cursor.fetchone()[0] == 1


def test_a_z_taken_while_tickets_are_written_counts_every_ticket_of_its_session(committed_tenant):
    from decimal import Decimal

    from contexts.pos.services import sessions

    reg = f.register()
    sess = f.session(reg, opening_float="0.00")
    v = f.stocked_variant(reg.location_id, quantity=100, price="5.00")

    def act(i):
        if i == 0:
            return sessions.close_session(session_id=sess.id, counted={"cash": Decimal("0")}, closed_by_id=sess.cashier_id)
        return tickets.complete_ticket(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                                       lines=[{"variant_id": v.id, "quantity": 1}], tenders=[{"method": "cash", "amount": "5.00"}])

    results = run_concurrently(act, 9, tenant=committed_tenant)
    z = results[0]
    sold = Ticket.objects.filter(session=sess).count()
    assert z.totals["tickets"] == sold  # the tickets that got in are all in the Z; the others were refused
    assert Decimal(z.expected["cash"]) == 5 * sold
    assert all(isinstance(r, Ticket) or getattr(r, "field", None) == "session_id" for r in results[1:]), results
