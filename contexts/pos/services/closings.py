"""Closings: a Z per cashier session, and a daily, monthly and yearly closing per shop. Each
holds its totals (computed from its tickets), the perpetual grand totals, and the hash of the
last journal entry it covers; each is itself a journal entry. A closing never changes."""
from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from contexts.pos.models import CashierSession, Closing, ClosingKind, EntryKind, SessionStatus, Tender, TenderMethod, Ticket, TicketLine
from contexts.pos.services import journal
from contexts.pos.services._common import InvalidInput, InvalidState, NotFound, as_amount, as_uuid
from crm.money import cents
from django.utils.translation import gettext as _

ZERO = Decimal("0.00")


def totals_of(tickets: QuerySet) -> dict[str, Any]:
    """Totals of a set of tickets (three queries): counts, gross, net and VAT, per VAT rate,
    per tender. Amounts as strings (JSON)."""
    agg = tickets.aggregate(count=Count("id"), sales=Count("id", filter=Q(kind="sale")),
                            returns=Count("id", filter=~Q(kind="sale")), gross=Sum("total"), net=Sum("total_net"),
                            vat=Sum("total_vat"), discounts=Sum("ticket_discount"))
    per_rate = {}
    for rate, gross, net, vat in (TicketLine.objects.filter(ticket__in=tickets).values("vat_rate")
                                  .annotate(g=Sum("total"), n=Sum("total_net"), v=Sum("total_vat")).order_by("vat_rate")
                                  .values_list("vat_rate", "g", "n", "v")):
        per_rate[str(cents(rate))] = {"gross": str(cents(gross)), "net": str(cents(net)), "vat": str(cents(vat))}
    per_tender = {m: str(cents(a)) for m, a in Tender.objects.filter(ticket__in=tickets).values("method")
                  .annotate(a=Sum("amount")).order_by("method").values_list("method", "a")}
    return {"tickets": agg["count"], "sales": agg["sales"], "returns": agg["returns"],
            "gross": str(cents(agg["gross"] or ZERO)), "net": str(cents(agg["net"] or ZERO)),
            "vat": str(cents(agg["vat"] or ZERO)), "ticket_discounts": str(cents(agg["discounts"] or ZERO)),
            "per_rate": per_rate, "per_tender": per_tender}


def _content(closing: Closing) -> dict[str, Any]:
    return {"closing": {
        "id": str(closing.id), "kind": closing.kind, "location_id": str(closing.location_id),
        "session_id": str(closing.session_id) if closing.session_id else None, "register": closing.register_code,
        "period_start": closing.period_start.isoformat(), "period_end": closing.period_end.isoformat(),
        "totals": closing.totals, "expected": closing.expected, "counted": closing.counted,
        "difference": closing.difference, "denominations": closing.denominations,
        "last_entry_seq": closing.last_entry_seq, "last_entry_hash": closing.last_entry_hash,
        "automatic": closing.automatic, "closed_by_id": closing.closed_by_id,
    }}


def closing_content(closing: Closing) -> dict[str, Any]:
    """What the journal keeps of a closing; rebuilt from the row by the integrity check."""
    return _content(closing)


def _journal_closing(closing: Closing, at: datetime.datetime) -> Closing:
    head = journal.lock_head()
    closing.last_entry_seq, closing.last_entry_hash = head.last_seq, head.last_hash
    closing.grand_totals = head.grand_totals
    closing.journal_seq = head.last_seq + 1
    closing.created_at = at
    closing.save(force_insert=True)
    journal.append(head, kind=EntryKind.CLOSING, content=_content(closing), at=at, register_code=closing.register_code,
                   location_id=closing.location_id, reference=str(closing.id))
    return closing


# --- Z of a session -----------------------------------------------------------------------------

def expected_per_tender(session: CashierSession) -> dict[str, Decimal]:
    """What the drawer and the terminals should hold: the opening float plus cash takings in
    the drawer, the other methods' takings (returns count negative)."""
    out = {TenderMethod.CASH.value: session.opening_float}
    for method, amount in (Tender.objects.filter(ticket__session=session).values("method").annotate(a=Sum("amount"))
                           .values_list("method", "a")):
        out[method] = cents(out.get(method, ZERO) + amount)
    return {k: cents(v) for k, v in out.items()}


def z_closing(*, session: CashierSession, counted: dict[str, Decimal] | None, closed_by_id: int | None,
              denominations: dict | None, at: datetime.datetime, automatic: bool) -> Closing:
    """Caller's transaction, session row locked."""
    expected = expected_per_tender(session)
    counted_s, difference = {}, {}
    if counted is not None:
        for method in sorted(set(expected) | set(counted)):
            c = counted.get(method)
            if c is None:
                continue
            counted_s[method] = str(c)
            difference[method] = str(cents(c - expected.get(method, ZERO)))
    closing = Closing(kind=ClosingKind.SESSION, location_id=session.register.location_id, session=session,
                      register_code=session.register.code, period_start=timezone.localdate(session.opened_at),
                      period_end=timezone.localdate(at), totals=totals_of(Ticket.objects.filter(session=session)),
                      expected={k: str(v) for k, v in expected.items()}, counted=counted_s, difference=difference,
                      denominations=denominations or {}, automatic=automatic, closed_by_id=closed_by_id)
    return _journal_closing(closing, at)


def parse_counted(counted) -> dict[str, Decimal]:
    if not isinstance(counted, dict) or not counted:
        raise InvalidInput(_("Give the counted amount per tender method (at least cash)."), field="counted")
    out = {}
    valid = {m.value for m in TenderMethod}
    for method, amount in counted.items():
        if method not in valid:
            raise InvalidInput(_("Unknown tender method %(method)s.") % {"method": repr(method)}, field=f"counted.{method}")
        out[method] = as_amount(amount, f"counted.{method}")
    return out


def parse_denominations(denominations) -> tuple[dict[str, int], Decimal]:
    """{"50.00": 2, "0.20": 3} -> (normalised, total)."""
    if not denominations:
        return {}, ZERO
    if not isinstance(denominations, dict):
        raise InvalidInput(_("Denominations are {value: count}."), field="denominations")
    out, total = {}, ZERO
    for value, count in denominations.items():
        v = as_amount(value, f"denominations.{value}")
        try:
            n = int(count)
        except (TypeError, ValueError):
            raise InvalidInput(_("A count is a whole number."), field=f"denominations.{value}")
        if n < 0 or v <= 0:
            raise InvalidInput(_("Counts and values are positive."), field=f"denominations.{value}")
        out[str(v)] = n
        total += v * n
    return out, cents(total)


# --- shop closings ---------------------------------------------------------------------------------

def _period(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if kind == ClosingKind.DAY:
        return day, day
    if kind == ClosingKind.MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if kind == ClosingKind.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    raise InvalidInput(_("A shop closing is a day, a month or a year."), field="kind")


def close_period(*, location_id, kind: str, day: datetime.date, closed_by_id: int | None = None,
                 at: datetime.datetime | None = None, automatic: bool = False) -> Closing:
    """Closes a shop's day, month or year (the one containing `day`). Idempotent: the closing
    of a period that is closed already is returned as it is. Refused while a session of the
    shop that sold in the period is still open."""
    location_id = as_uuid(location_id, "location_id")
    start, end = _period(kind, day)
    at = at or timezone.now()
    existing = Closing.objects.filter(kind=kind, location_id=location_id, period_start=start).first()
    if existing is not None:
        return existing
    if end >= timezone.localdate(at):
        raise InvalidState(_("A period is closed once it is over."), field="day")
    try:
        with transaction.atomic():
            tickets = Ticket.objects.filter(location_id=location_id, business_date__gte=start, business_date__lte=end)
            if CashierSession.objects.filter(status=SessionStatus.OPEN, tickets__in=tickets).exists():
                raise InvalidState(_("Close the open sessions of this shop first."), field="day")
            closing = Closing(kind=kind, location_id=location_id, period_start=start, period_end=end,
                              totals=totals_of(tickets), automatic=automatic, closed_by_id=closed_by_id)
            return _journal_closing(closing, at)
    except IntegrityError:
        existing = Closing.objects.filter(kind=kind, location_id=location_id, period_start=start).first()
        if existing is None:
            raise
        return existing


def close_overdue(*, today: datetime.date, at: datetime.datetime | None = None) -> dict[str, int]:
    """The end-of-day job: closes the sessions a cashier left open before `today` (an automatic
    Z, nothing counted), then every shop's days, months and years that are over and not closed."""
    from contexts.pos.services import sessions

    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    at = at or max(timezone.now(), start_of_today)  # never before the periods it closes are over
    done = {"sessions": 0, "day": 0, "month": 0, "year": 0}
    for session_id in CashierSession.objects.filter(status=SessionStatus.OPEN, opened_at__lt=start_of_today).values_list("id", flat=True):
        sessions.close_session(session_id=session_id, counted=None, closed_by_id=None, at=at, automatic=True)
        done["sessions"] += 1
    days = set(Ticket.objects.filter(business_date__lt=today).values_list("location_id", "business_date").distinct())
    for kind, key in ((ClosingKind.DAY, lambda d: d), (ClosingKind.MONTH, lambda d: d.replace(day=1)),
                      (ClosingKind.YEAR, lambda d: d.replace(month=1, day=1))):
        closed = set(Closing.objects.filter(kind=kind).values_list("location_id", "period_start"))
        periods = sorted({(loc, key(d)) for loc, d in days} - closed, key=lambda x: (x[1], str(x[0])))
        for location_id, start in periods:
            if _period(kind, start)[1] >= today:
                continue
            close_period(location_id=location_id, kind=kind, day=start, at=at, automatic=True)
            done[kind] += 1
    return done


def get_closing(closing_id) -> Closing:
    closing = Closing.objects.filter(pk=as_uuid(closing_id, "closing_id")).first()
    if closing is None:
        raise NotFound(_("No such closing."), field="closing_id")
    return closing
