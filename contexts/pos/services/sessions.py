"""Cashier sessions: opened with a counted float on a register (one open session per
register), closed with a count per tender method: the Z closing."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.pos.events import SessionClosed
from contexts.pos.models import CashierSession, Register, SessionStatus, TenderMethod
from contexts.pos.services import closings
from contexts.pos.services._common import InvalidInput, InvalidState, NotFound, as_amount, as_uuid
from crm import eventbus
from django.utils.translation import gettext as _


def open_session(*, register_id, cashier_id, opening_float: Decimal, at: datetime.datetime | None = None) -> CashierSession:
    register_id = as_uuid(register_id, "register_id")
    try:
        cashier_id = int(cashier_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("Not a user id."), field="cashier_id")
    opening_float = as_amount(opening_float, "opening_float")
    at = at or timezone.now()
    try:
        with transaction.atomic():
            register = Register.objects.select_for_update().filter(pk=register_id).first()
            if register is None:
                raise NotFound(_("No such register."), field="register_id")
            if not register.is_active:
                raise InvalidState(_("This register is deactivated."), field="register_id")
            if CashierSession.objects.filter(register=register, status=SessionStatus.OPEN).exists():
                raise InvalidState(_("A session is already open on this register."), field="register_id")
            return CashierSession.objects.create(register=register, cashier_id=cashier_id, opening_float=opening_float,
                                                 opened_at=at)
    except IntegrityError:
        raise InvalidState(_("A session is already open on this register."), field="register_id")


def close_session(*, session_id, counted: dict[str, Decimal] | None, closed_by_id, denominations: dict | None = None,
                  at: datetime.datetime | None = None, automatic: bool = False):
    """The Z: expected vs counted per tender and the difference. `counted["cash"]` is the count
    of the drawer (or the sum of `denominations` when only those are given). `automatic`: the
    end-of-day job closes a forgotten session, nothing counted."""
    session_id = as_uuid(session_id, "session_id")
    denoms, denom_total = closings.parse_denominations(denominations)
    if automatic:
        parsed = None
    else:
        counted = dict(counted or {})
        if denoms and counted.get(TenderMethod.CASH) in (None, ""):
            counted[TenderMethod.CASH.value] = denom_total
        parsed = closings.parse_counted(counted)
        if denoms and parsed.get(TenderMethod.CASH) != denom_total:
            raise InvalidInput(_("The cash counted differs from the sum of the denominations."), field="counted.cash")
        if closed_by_id is not None:  # None: an integration's API key
            try:
                closed_by_id = int(closed_by_id)
            except (TypeError, ValueError):
                raise InvalidInput(_("Not a user id."), field="closed_by_id")
    at = at or timezone.now()
    with transaction.atomic():
        session = CashierSession.objects.select_for_update().select_related("register").filter(pk=session_id).first()
        if session is None:
            raise NotFound(_("No such session."), field="session_id")
        if session.status != SessionStatus.OPEN:
            raise InvalidState(_("This session is closed already."), field="session_id")
        closing = closings.z_closing(session=session, counted=parsed, closed_by_id=closed_by_id, denominations=denoms,
                                     at=at, automatic=automatic)
        CashierSession.objects.filter(pk=session.pk).update(status=SessionStatus.CLOSED, closed_at=at, closed_by_id=closed_by_id)
        cash_diff = closing.difference.get(TenderMethod.CASH.value)
        eventbus.publish(SessionClosed(session_id=session.pk, closing_id=closing.pk, register_id=session.register_id,
                                       location_id=session.register.location_id, tickets=closing.totals["tickets"],
                                       gross=Decimal(closing.totals["gross"]),
                                       cash_difference=Decimal(cash_diff) if cash_diff is not None else None,
                                       automatic=automatic))
    return closing
