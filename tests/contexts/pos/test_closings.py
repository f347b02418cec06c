"""Z per session, shop closings by day, month and year, and the end-of-day job."""
import datetime
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum

from contexts.pos.models import Closing, SessionStatus, Tender, Ticket, TicketLine
from contexts.pos.services import closings, integrity, managers, sessions, tickets
from contexts.pos.services._common import InvalidInput, InvalidState
from contexts.pos.tasks import close_overdue_periods
from tests.factories import pos as f

pytestmark = pytest.mark.dates

MON = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.timezone.utc)


def _day(n, hour=10):
    return MON + datetime.timedelta(days=n, hours=hour - 9)


@pytest.fixture
def shop(tenant):
    loc = f.shop()
    reg = f.register(loc)
    scarf = f.stocked_variant(loc.id, quantity=100, price="29.90")
    book = f.stocked_variant(loc.id, quantity=100, price="12.00", vat="reduit")
    return loc, reg, scarf, book


def test_the_z_holds_expected_counted_and_difference_per_tender(shop):
    loc, reg, scarf, book = shop
    sess = f.session(reg, opening_float="150.00", at=_day(0, 9))
    f.sale(sess, [(scarf, 1)], tenders=[{"method": "cash", "amount": "50.00"}], at=_day(0))
    sale = f.sale(sess, [(book, 2)], tenders=[{"method": "card", "amount": "24.00", "reference": "AUTH1"}], at=_day(0))
    tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, original_ticket_id=sale.id,
                         lines=[{"line_id": sale.lines.get().id, "quantity": 1}], refund_method="cash", at=_day(0, 11))
    z = sessions.close_session(session_id=sess.id, counted={"cash": Decimal("165.00"), "card": Decimal("24.00")},
                               closed_by_id=sess.cashier_id, denominations={"50.00": 3, "10.00": 1, "5.00": 1},
                               at=_day(0, 19))
    assert z.kind == "session" and z.totals["tickets"] == 3 and z.totals["gross"] == "41.90"
    assert z.expected == {"cash": "167.90", "card": "24.00"}  # 150 float + 29.90 - 12.00 refunded
    assert z.difference == {"cash": "-2.90", "card": "0.00"}
    # VAT is rounded per line: 24.00 sold (net 22.75), 12.00 returned (net -11.37)
    assert z.totals["per_rate"] == {"5.50": {"gross": "12.00", "net": "11.38", "vat": "0.62"},
                                    "20.00": {"gross": "29.90", "net": "24.92", "vat": "4.98"}}
    sess.refresh_from_db()
    assert sess.status == SessionStatus.CLOSED
    with pytest.raises(InvalidState):
        f.sale(sess, [(scarf, 1)], at=_day(0, 20))
    with pytest.raises(InvalidInput) as err:
        sessions.close_session(session_id=f.session(reg).id, counted={"cash": "10"}, closed_by_id=1,
                               denominations={"5.00": 1})
    assert err.value.field == "counted.cash"


def test_a_closing_s_totals_equal_the_sum_of_its_tickets(shop):
    loc, reg, scarf, book = shop
    reg2 = f.register(loc)
    for day in range(3):
        for r in (reg, reg2):
            sess = f.session(r, at=_day(day, 8))
            for i in range(4):
                f.sale(sess, [(scarf, 1 + i % 2), (book, 1)], at=_day(day, 10 + i),
                       tenders=[{"method": "card", "amount": "10.00", "reference": "A"}, {"method": "cash", "amount": "100.00"}])
            sessions.close_session(session_id=sess.id, counted={"cash": "0"}, closed_by_id=1, at=_day(day, 19))
    day1 = closings.close_period(location_id=loc.id, kind="day", day=_day(1).date(), at=_day(5))
    tickets_of_day = Ticket.objects.filter(location_id=loc.id, business_date=_day(1).date())
    assert day1.totals["tickets"] == tickets_of_day.count() == 8
    assert Decimal(day1.totals["gross"]) == tickets_of_day.aggregate(s=Sum("total"))["s"]
    assert Decimal(day1.totals["vat"]) == tickets_of_day.aggregate(s=Sum("total_vat"))["s"]
    assert Decimal(day1.totals["per_tender"]["card"]) == Tender.objects.filter(
        ticket__in=tickets_of_day, method="card").aggregate(s=Sum("amount"))["s"]
    assert sum(Decimal(r["gross"]) for r in day1.totals["per_rate"].values()) == Decimal(day1.totals["gross"])
    month = closings.close_period(location_id=loc.id, kind="month", day=_day(1).date(), at=datetime.datetime(2026, 4, 2, tzinfo=datetime.timezone.utc))
    all_tickets = Ticket.objects.filter(location_id=loc.id)
    assert Decimal(month.totals["gross"]) == all_tickets.aggregate(s=Sum("total"))["s"]
    assert month.totals["tickets"] == 24
    assert month.grand_totals["gross"] == str(all_tickets.aggregate(s=Sum("total"))["s"])
    assert closings.close_period(location_id=loc.id, kind="day", day=_day(1).date(), at=_day(6)).pk == day1.pk
    assert integrity.verify_journal().ok


def test_a_period_is_closed_once_it_is_over(shop):
    loc, reg, scarf, _ = shop
    with pytest.raises(InvalidState) as err:
        closings.close_period(location_id=loc.id, kind="day", day=_day(0).date(), at=_day(0, 20))
    assert err.value.field == "day"


def test_the_end_of_day_job_closes_forgotten_sessions_then_the_days_months_and_years(shop):
    loc, reg, scarf, _ = shop
    sess = f.session(reg, at=datetime.datetime(2026, 12, 31, 9, 0, tzinfo=datetime.timezone.utc))
    f.sale(sess, [(scarf, 1)], at=datetime.datetime(2026, 12, 31, 15, 0, tzinfo=datetime.timezone.utc))
    done = close_overdue_periods.run(today="2027-01-01")
    assert done == {"sessions": 1, "day": 1, "month": 1, "year": 1}
    z = Closing.objects.get(kind="session")
    assert z.automatic and z.counted == {} and z.expected["cash"] == "129.90"
    assert set(Closing.objects.values_list("kind", flat=True)) == {"session", "day", "month", "year"}
    assert close_overdue_periods.run(today="2027-01-01") == {"sessions": 0, "day": 0, "month": 0, "year": 0}
    assert integrity.verify_journal().ok


def test_manager_pins_are_hashed_and_identify_the_manager(tenant):
    boss = f.manager(pin="4826")
    assert managers.check_manager_pin(pin="4826") == boss.pk
    assert managers.check_manager_pin(pin="0000") is None
    from contexts.pos.models import ManagerPin

    assert "4826" not in ManagerPin.objects.get().pin_hash
    with pytest.raises(InvalidInput):
        managers.set_manager_pin(user_id=f.manager().pk, pin="4826")  # taken
    with pytest.raises(Exception):
        managers.set_manager_pin(user_id=f.cashier().pk, pin="1357")
