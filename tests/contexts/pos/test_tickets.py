import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from contexts.inventory import api as inventory_api
from contexts.pos.models import JournalEntry, Ticket
from contexts.pos.services import tickets
from contexts.pos.services._common import ApprovalRequired, InvalidInput
from tests.factories import pos as f


@pytest.fixture
def till(tenant):
    reg = f.register()
    sess = f.session(reg)
    return reg, sess


def test_a_sale_prices_from_the_catalog_takes_stock_and_gives_change(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id, quantity=5, price="29.90")
    hat = f.stocked_variant(reg.location_id, quantity=5, price="12.00", vat="reduit")
    ticket = tickets.complete_ticket(
        session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
        lines=[{"variant_id": str(scarf.id), "quantity": 2, "unit_price": "0.01"}, {"variant_id": hat.id, "quantity": 1}],
        tenders=[{"method": "card", "amount": "50.00", "reference": "A1B2C3"}, {"method": "cash", "amount": "30.00"}])
    assert ticket.number == 1
    assert ticket.total == Decimal("71.80")
    assert ticket.change_given == Decimal("8.20")
    assert ticket.total_net + ticket.total_vat == ticket.total
    stock = inventory_api.availability(variant_ids=[scarf.id], location_id=reg.location_id)[scarf.id]
    assert stock.on_hand == 3
    assert [t.amount for t in ticket.tenders.order_by("position")] == [Decimal("50.00"), Decimal("21.80")]
    assert JournalEntry.objects.get(seq=ticket.journal_seq).reference == str(ticket.id)


def test_same_uuid_is_counted_once(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id)
    key = uuid.uuid4()
    first = f.sale(sess, [(scarf, 1)], uuid=key)
    again = f.sale(sess, [(scarf, 1)], uuid=key)
    assert again.pk == first.pk and again.replayed
    assert Ticket.objects.count() == 1
    assert inventory_api.availability(variant_ids=[scarf.id], location_id=reg.location_id)[scarf.id].on_hand == 9


def test_tenders_that_do_not_cover_the_total_are_refused_naming_tenders(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id, price="29.90")
    with pytest.raises(InvalidInput) as err:
        f.sale(sess, [(scarf, 1)], tenders=[{"method": "cash", "amount": "20.00"}])
    assert err.value.field == "tenders"
    assert Ticket.objects.count() == 0


def test_a_discount_above_the_threshold_needs_a_manager(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id, price="100.00")
    with pytest.raises(ApprovalRequired) as err:
        f.sale(sess, [(scarf, 1)], ticket_discount=Decimal("20.00"))
    assert err.value.field == "discount"
    with pytest.raises(ApprovalRequired):
        f.sale(sess, [(scarf, 1)], ticket_discount=Decimal("20.00"), approved_by_id=f.cashier().pk)
    boss = f.manager()
    ticket = f.sale(sess, [(scarf, 1)], ticket_discount=Decimal("20.00"), approved_by_id=boss.pk)
    assert ticket.total == Decimal("80.00") and ticket.approved_by_id == boss.pk
    small = f.sale(sess, [(scarf, 1)], ticket_discount=Decimal("10.00"))
    assert small.total == Decimal("90.00") and small.approved_by_id is None


def test_a_return_from_the_ticket_puts_stock_back_and_refunds(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id, quantity=5, price="29.90")
    sale = f.sale(sess, [(scarf, 2)], tenders=[{"method": "card", "amount": "59.80", "reference": "OK1"}])
    line = sale.lines.get()
    ret = tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                               original_ticket_id=sale.id, lines=[{"line_id": line.id, "quantity": 1}],
                               refund_method="original")
    assert ret.total == Decimal("-29.90") and ret.number == 2 and ret.kind == "return"
    assert [(t.method, t.amount) for t in ret.tenders.all()] == [("card", Decimal("-29.90"))]
    assert inventory_api.availability(variant_ids=[scarf.id], location_id=reg.location_id)[scarf.id].on_hand == 4
    with pytest.raises(InvalidInput) as err:
        tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                             original_ticket_id=sale.id, lines=[{"line_id": line.id, "quantity": 2}], refund_method="cash")
    assert err.value.field == "lines[0].quantity"


def test_a_return_without_ticket_needs_a_manager(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id, price="29.90")
    with pytest.raises(ApprovalRequired):
        tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                             lines=[{"variant_id": scarf.id, "quantity": 1}], refund_method="cash")
    ret = tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                               lines=[{"variant_id": scarf.id, "quantity": 1}], refund_method="store_credit",
                               approved_by_id=f.manager().pk)
    assert ret.total == Decimal("-29.90")
    credit = ret.store_credits.get()
    assert credit.remaining == Decimal("29.90")


def test_tickets_and_journal_entries_cannot_be_changed(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id)
    ticket = f.sale(sess, [(scarf, 1)])
    for sql in ("UPDATE pos_ticket SET total = 0", "DELETE FROM pos_ticketline", "UPDATE pos_tender SET amount = 1",
                "DELETE FROM pos_journalentry"):
        with pytest.raises(IntegrityError, match="fiscal records"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Ticket.objects.get().total == ticket.total


def test_duplicates_are_counted_and_journaled(till):
    reg, sess = till
    ticket = f.sale(sess, [(f.stocked_variant(reg.location_id), 1)])
    assert tickets.record_duplicate_print(ticket_id=ticket.id, by_id=sess.cashier_id) == 1
    assert tickets.record_duplicate_print(ticket_id=ticket.id, by_id=sess.cashier_id) == 2
    assert JournalEntry.objects.filter(kind="duplicate").count() == 2


def test_a_store_credit_pays_a_later_ticket_once(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id, price="29.90")
    ret = tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                               lines=[{"variant_id": scarf.id, "quantity": 1}], refund_method="store_credit",
                               approved_by_id=f.manager().pk)
    code = ret.store_credits.get().code
    paid = f.sale(sess, [(scarf, 1)], tenders=[{"method": "store_credit", "amount": "29.90", "reference": code}])
    assert paid.total == Decimal("29.90")
    with pytest.raises(InvalidInput) as err:
        f.sale(sess, [(scarf, 1)], tenders=[{"method": "store_credit", "amount": "29.90", "reference": code}])
    assert err.value.field == "tenders[0].reference"
    again = tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                                 original_ticket_id=paid.id, lines=[{"variant_id": scarf.id, "quantity": 1}],
                                 refund_method="original")
    fresh = again.store_credits.get()
    assert fresh.code != code and fresh.remaining == Decimal("29.90")


def test_a_void_reverses_what_is_left_and_needs_a_manager(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id, quantity=5, price="10.00")
    sale = f.sale(sess, [(scarf, 3)], tenders=[{"method": "cash", "amount": "30.00"}])
    tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, original_ticket_id=sale.id,
                         lines=[{"variant_id": scarf.id, "quantity": 1}], refund_method="cash")
    with pytest.raises(ApprovalRequired):
        tickets.void_ticket(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, ticket_id=sale.id,
                            approved_by_id=None)
    void = tickets.void_ticket(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, ticket_id=sale.id,
                               approved_by_id=f.manager().pk)
    assert void.kind == "void" and void.total == Decimal("-20.00")
    assert inventory_api.availability(variant_ids=[scarf.id], location_id=reg.location_id)[scarf.id].on_hand == 5
    from contexts.pos.services._common import InvalidState

    with pytest.raises(InvalidState):
        tickets.void_ticket(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, ticket_id=sale.id,
                            approved_by_id=f.manager().pk)


def test_a_sale_s_uuid_cannot_be_reused_for_a_return(till):
    reg, sess = till
    scarf = f.stocked_variant(reg.location_id)
    sale = f.sale(sess, [(scarf, 1)])
    with pytest.raises(InvalidInput) as err:
        tickets.return_items(session_id=sess.id, uuid=sale.uuid, cashier_id=sess.cashier_id, original_ticket_id=sale.id,
                             lines=[{"variant_id": scarf.id, "quantity": 1}], refund_method="cash")
    assert err.value.field == "uuid"
