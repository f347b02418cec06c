"""Tickets: sales, returns, voids and duplicate prints, each journaled.

One transaction per ticket, in this order (a fixed lock order, so two tills never deadlock):
the register's counter row (gapless number), the stock rows in variant order (inventory), then
the journal head (chain). A sale is never refused for lack of stock. Prices come from catalog
pricing (promotions applied), never from the client. A ticket is idempotent by the UUID the till
generated: the same UUID gives back the same ticket, counted once."""
from __future__ import annotations

import datetime
import secrets
import uuid as uuid_lib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from contexts.catalog import api as catalog_api
from contexts.core import api as core_api
from contexts.inventory import api as inventory_api
from contexts.pos.events import TicketCompleted, TicketReturned
from contexts.pos.models import (
    CashierSession, EntryKind, JournalEntry, SessionStatus, StoreCredit, Tender, TenderMethod, Ticket, TicketKind,
    TicketLine,
)
from contexts.pos.services import journal
from contexts.pos.services._common import (
    ApprovalRequired, InvalidInput, InvalidState, NotFound, as_amount, as_quantity, as_uuid,
)
from contexts.pos.services.managers import require_manager
from contexts.pos.services.registers import settings_row
from crm import eventbus, hooks
from crm.money import cents, price
from crm.rest.errors import DomainError
from django.utils.translation import gettext as _

METHODS = {m.value for m in TenderMethod}
HUNDRED = Decimal(100)


# --- the pure part: amounts --------------------------------------------------------------------

def split_vat(total: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(net, VAT) of a VAT-included amount, rounded to the cent half up on the net."""
    net = cents(total * HUNDRED / (HUNDRED + rate))
    return net, total - net


def allocate(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Splits `amount` over `weights` in cents, proportionally, the remainder to the largest
    weights first: the shares always add up to `amount`."""
    base = sum(weights)
    if not amount or not base:
        return [Decimal("0.00")] * len(weights)
    shares = [cents(amount * w / base) for w in weights]
    diff = amount - sum(shares)
    step = Decimal("0.01") if diff > 0 else Decimal("-0.01")
    order = sorted(range(len(weights)), key=lambda i: -abs(weights[i]))
    i = 0
    while diff and order:
        shares[order[i % len(order)]] += step
        diff -= step
        i += 1
    return shares


@dataclass
class _Tender:
    method: str
    amount: Decimal     # applied to the total
    tendered: Decimal   # given
    reference: str


def _parse_tenders(tenders, field: str = "tenders") -> list[tuple[str, Decimal, str]]:
    if tenders is None:
        tenders = []
    if not isinstance(tenders, (list, tuple)):
        raise InvalidInput(_("Tenders are a list."), field=field)
    out = []
    for i, t in enumerate(tenders):
        if not isinstance(t, dict):
            raise InvalidInput(_("A tender is an object with method and amount."), field=f"{field}[{i}]")
        method = str(t.get("method") or "")
        if method not in METHODS:
            raise InvalidInput(_("The method is one of %(METHODS)s.") % {"METHODS": ', '.join(sorted(METHODS))}, field=f"{field}[{i}].method")
        amount = as_amount(t.get("amount"), f"{field}[{i}].amount")
        if amount <= 0:
            raise InvalidInput(_("A tender is positive."), field=f"{field}[{i}].amount")
        reference = str(t.get("reference") or "").strip()[:100]
        if method in (TenderMethod.CARD, TenderMethod.STORE_CREDIT, TenderMethod.VOUCHER) and not reference:
            raise InvalidInput(_("Give the reference (terminal approval, voucher or credit code)."), field=f"{field}[{i}].reference")
        out.append((method, amount, reference))
    return out


def settle(total: Decimal, tenders: list[tuple[str, Decimal, str]]) -> tuple[list[_Tender], Decimal]:
    """Applies tenders to a total: only cash gives change. Raises InvalidInput naming
    `tenders` when they do not cover the total, or when a non-cash tender exceeds it."""
    non_cash = sum((a for m, a, _ in tenders if m != TenderMethod.CASH), Decimal(0))
    cash = sum((a for m, a, _ in tenders if m == TenderMethod.CASH), Decimal(0))
    if non_cash > total:
        raise InvalidInput(_("Card, cheque, voucher and store credit cannot exceed the total (no change on them)."),
                           field="tenders")
    if non_cash + cash < total:
        raise InvalidInput(_("The tenders (%(cash)s) do not cover the total (%(total)s).") % {"cash": cents(non_cash + cash), "total": total}, field="tenders")
    change = non_cash + cash - total
    applied, left = [], change
    for method, amount, reference in reversed(tenders):  # change comes out of the last cash tenders
        use = amount
        if method == TenderMethod.CASH and left:
            take = min(left, amount)
            use, left = amount - take, left - take
        applied.append(_Tender(method, use, amount, reference))
    applied.reverse()
    return applied, cents(change)


# --- canonical content (journal, integrity check) ------------------------------------------------

def _iso(at: datetime.datetime) -> str:
    return at.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")


def ticket_content(ticket: Ticket, lines: list[TicketLine], tenders: list[Tender]) -> dict[str, Any]:
    """What the journal keeps of a ticket; rebuilt from the rows by the integrity check."""
    return {
        "ticket": {
            "id": str(ticket.id), "uuid": str(ticket.uuid), "number": ticket.number, "kind": ticket.kind,
            "register_id": str(ticket.register_id), "session_id": str(ticket.session_id),
            "location_id": str(ticket.location_id), "cashier_id": ticket.cashier_id,
            "customer_id": str(ticket.customer_id) if ticket.customer_id else None,
            "approved_by_id": ticket.approved_by_id,
            "original_ticket_id": str(ticket.original_ticket_id) if ticket.original_ticket_id else None,
            "created_at": _iso(ticket.created_at), "business_date": ticket.business_date.isoformat(),
            "subtotal": str(cents(ticket.subtotal)), "ticket_discount": str(cents(ticket.ticket_discount)),
            "total": str(cents(ticket.total)), "total_net": str(cents(ticket.total_net)),
            "total_vat": str(cents(ticket.total_vat)), "change_given": str(cents(ticket.change_given)),
        },
        "lines": [{
            "position": ln.position, "variant_id": str(ln.variant_id), "product_id": str(ln.product_id), "sku": ln.sku,
            "name": ln.name, "quantity": ln.quantity, "unit_price": str(price(ln.unit_price)),
            "promotion_discount": str(cents(ln.promotion_discount)), "discount": str(cents(ln.discount)),
            "ticket_discount_share": str(cents(ln.ticket_discount_share)), "total": str(cents(ln.total)),
            "vat_rate": str(cents(ln.vat_rate)), "total_net": str(cents(ln.total_net)), "total_vat": str(cents(ln.total_vat)),
            "original_line_id": ln.original_line_id,
        } for ln in sorted(lines, key=lambda x: x.position)],
        "tenders": [{
            "position": t.position, "method": t.method, "amount": str(cents(t.amount)), "tendered": str(cents(t.tendered)),
            "reference": t.reference,
        } for t in sorted(tenders, key=lambda x: x.position)],
    }


def vat_breakdown(lines) -> dict[str, tuple[Decimal, Decimal]]:
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for ln in lines:
        key = str(cents(ln.vat_rate))
        net, vat = out.get(key, (Decimal(0), Decimal(0)))
        out[key] = (net + ln.total_net, vat + ln.total_vat)
    return out


def tender_breakdown(tenders) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for t in tenders:
        out[t.method] = out.get(t.method, Decimal(0)) + t.amount
    return out


# --- shared steps ----------------------------------------------------------------------------------

def _open_session(session_id) -> CashierSession:
    """The open session, its row locked until commit (FOR NO KEY UPDATE): its Z, which locks it
    FOR UPDATE, waits for the tickets being written and counts them all."""
    session = (CashierSession.objects.select_related("register").select_for_update(no_key=True, of=("self",))
               .filter(pk=as_uuid(session_id, "session_id")).first())
    if session is None:
        raise NotFound(_("No such session."), field="session_id")
    if session.status != SessionStatus.OPEN:
        raise InvalidState(_("This session is closed: open a new one."), field="session_id")
    if not session.register.is_active:
        raise InvalidState(_("This register is deactivated."), field="session_id")
    return session


def _next_number(register_id) -> int:
    """Takes the register's next ticket number under the row's lock (held until commit: a
    rolled-back ticket gives its number back, so numbers have no gap)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pos_register SET last_number = last_number + 1 WHERE id = %s RETURNING last_number",
                       [register_id])
        return cursor.fetchone()[0]


def _user_id(value, field: str) -> int | None:
    """A staff user's id; None (an integration's API key) means the session's cashier."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Not a user id."), field=field)


def _existing(ticket_uuid, kinds: tuple[str, ...] = (TicketKind.SALE,)) -> Ticket | None:
    """The ticket a till already sent with this UUID (a resubmission), if any. The same UUID on
    another kind of ticket is a client's bug, refused naming `uuid`."""
    ticket = Ticket.objects.filter(uuid=ticket_uuid).first()
    if ticket is not None:
        if ticket.kind not in kinds:
            raise InvalidInput(_("This UUID is the one of ticket %(pk)s (%(kind)s).") % {"pk": ticket.pk, "kind": ticket.kind}, field="uuid",
                               code="idempotency_key_reused")
        ticket.replayed = True
    return ticket


def _write(*, ticket: Ticket, lines: list[TicketLine], tenders: list[_Tender], at: datetime.datetime,
           entry_kind: str, register_code: str) -> Ticket:
    """Inserts the ticket, its lines and tenders, and its journal entry (caller's transaction,
    register and stock rows already locked)."""
    head = journal.lock_head()
    ticket.journal_seq = head.last_seq + 1
    ticket.save(force_insert=True)
    for ln in lines:
        ln.ticket = ticket
    TicketLine.objects.bulk_create(lines)
    tender_rows = [Tender(ticket=ticket, position=i + 1, method=t.method, amount=t.amount, tendered=t.tendered,
                          reference=t.reference) for i, t in enumerate(tenders)]
    Tender.objects.bulk_create(tender_rows)
    totals = journal.add_to_totals(head.grand_totals, total=ticket.total, per_rate=vat_breakdown(lines),
                                   per_tender=tender_breakdown(tender_rows))
    journal.append(head, kind=entry_kind, content=ticket_content(ticket, lines, tender_rows), at=at,
                   register_code=register_code, location_id=ticket.location_id, reference=str(ticket.id),
                   grand_totals=totals)
    ticket.replayed = False
    ticket._lines, ticket._tenders = lines, tender_rows
    return ticket


def _check_discount_approval(*, manual: Decimal, base: Decimal, approved_by_id, threshold: Decimal) -> int | None:
    if manual <= 0 or base <= 0:
        return None
    if manual * HUNDRED / base > threshold:
        if approved_by_id in (None, ""):
            raise ApprovalRequired(_("A discount above %(threshold)s %% needs a manager's approval.") % {"threshold": threshold}, field="discount")
        return require_manager(approved_by_id, field="discount", message=_("Only a manager may approve this discount."))
    return None


# --- sale ------------------------------------------------------------------------------------------

def _redemption_reference(ticket_uuid) -> str:
    """The reference of the points a sale spends (redeemed once per ticket UUID; a void of the
    sale names it in pos.ticket.returned.v1 so that engagement gives the points back)."""
    return f"ticket:{ticket_uuid}"


def _redeem_points(*, customer_id, points: int, ticket_uuid, payable: Decimal) -> Decimal:
    """The client's loyalty points spent on this ticket (engagement answers through the kernel
    hook "loyalty.redeem", once per ticket UUID; rolled back with the ticket if it fails). The
    discount joins the ticket discount: spread over the lines pro rata (allocate), each line's
    net and VAT recomputed (split_vat), so every VAT rate bears its share. No manager approval:
    the points are the client's."""
    if customer_id is None:
        raise InvalidInput(_("Points are spent by a known client: choose the client first."), field="loyalty_points")
    try:
        discount = hooks.call("loyalty.redeem", client_id=customer_id, points=points,
                              reference=_redemption_reference(ticket_uuid), default=Decimal("0.00"))
    except DomainError as exc:
        raise InvalidInput(exc.message, field="loyalty_points") from exc
    if not discount or discount <= 0:
        raise InvalidInput(_("Loyalty points cannot be used in this shop."), field="loyalty_points")
    if discount > payable:
        raise InvalidInput(_("These points are worth more than the basket: use fewer points."), field="loyalty_points")
    return discount


def complete_ticket(*, session_id, uuid, cashier_id, lines: list[dict], tenders: list[dict], customer_id=None,
                    ticket_discount: Decimal | None = None, approved_by_id=None,
                    at: datetime.datetime | None = None, loyalty_points: int = 0) -> Ticket:
    """Completes a sale. Returns the ticket (`ticket.replayed` is True when the UUID was seen
    before: nothing was counted again). `loyalty_points`: the client's points spent as a
    discount (see _redeem_points)."""
    ticket_uuid = as_uuid(uuid, "uuid")
    cashier_id = _user_id(cashier_id, "cashier_id")
    if not isinstance(lines, (list, tuple)) or not lines:
        raise InvalidInput(_("A ticket needs at least one line."), field="lines")
    if len(lines) > 500:
        raise InvalidInput(_("A ticket has at most 500 lines."), field="lines")
    wanted = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise InvalidInput(_("A line is an object with variant_id and quantity."), field=f"lines[{i}]")
        wanted.append((as_uuid(line.get("variant_id"), f"lines[{i}].variant_id"),
                       as_quantity(line.get("quantity", 1), f"lines[{i}].quantity"),
                       as_amount(line.get("discount") or "0", f"lines[{i}].discount")))
    parsed_tenders = _parse_tenders(tenders)
    td = as_amount(ticket_discount, "ticket_discount") if ticket_discount not in (None, "") else Decimal("0.00")
    customer = as_uuid(customer_id, "customer_id") if customer_id not in (None, "") else None
    if loyalty_points in (None, ""):
        loyalty_points = 0
    if not isinstance(loyalty_points, int) or isinstance(loyalty_points, bool) or loyalty_points < 0:
        raise InvalidInput(_("Points to redeem must be a positive whole number."), field="loyalty_points")
    at = at or timezone.now()

    existing = _existing(ticket_uuid)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            session = _open_session(session_id)
            register = session.register
            cashier_id = cashier_id if cashier_id is not None else session.cashier_id
            if customer is not None and core_api.client_summary(client_id=customer) is None:
                raise InvalidInput(_("No such client."), field="customer_id")
            priced = catalog_api.prices(lines=[(v, q) for v, q, _ in wanted], channel="shop", at=at)
            variants = catalog_api.variants_by_ids(ids={v for v, _, _ in wanted})
            rows: list[TicketLine] = []
            for i, ((variant_id, quantity, discount), p) in enumerate(zip(wanted, priced)):
                if discount > p.total:
                    raise InvalidInput(_("The discount exceeds the line's amount."), field=f"lines[{i}].discount")
                v = variants[variant_id]
                rows.append(TicketLine(position=i + 1, variant_id=variant_id, product_id=v.product_id, sku=v.sku[:64],
                                       name=v.name[:250], quantity=quantity, unit_price=price(p.unit_price),
                                       promotion_discount=p.discount, discount=discount, total=p.total - discount,
                                       vat_rate=p.vat_rate))
            after_promotions = sum((p.total for p in priced), Decimal(0))
            subtotal = sum((r.total for r in rows), Decimal(0))
            if td > subtotal:
                raise InvalidInput(_("The ticket discount exceeds the total."), field="ticket_discount")
            threshold = settings_row().discount_approval_percent
            approver = None
            for i, r in enumerate(rows):  # a line discount above the threshold of its line
                approver = _check_discount_approval(manual=r.discount, base=r.total + r.discount,
                                                    approved_by_id=approved_by_id, threshold=threshold) or approver
            approver = _check_discount_approval(manual=after_promotions - subtotal + td, base=after_promotions,
                                                approved_by_id=approved_by_id, threshold=threshold) or approver
            loyalty = Decimal("0.00")
            if loyalty_points:
                loyalty = _redeem_points(customer_id=customer, points=loyalty_points, ticket_uuid=ticket_uuid,
                                         payable=subtotal - td)
                td = td + loyalty
            for r, share in zip(rows, allocate(td, [r.total for r in rows])):
                r.ticket_discount_share = share
                r.total = r.total - share
                r.total_net, r.total_vat = split_vat(r.total, r.vat_rate)
            total = subtotal - td
            applied, change = settle(total, parsed_tenders)
            _redeem_store_credits(applied)
            number = _next_number(register.pk)
            inventory_api.till_sale(location_id=register.location_id,
                                    lines=[(r.variant_id, r.product_id, r.quantity) for r in rows],
                                    reference=f"pos:{register.code}-{number}")
            ticket = Ticket(uuid=ticket_uuid, register=register, session=session, number=number, kind=TicketKind.SALE,
                            location_id=register.location_id, cashier_id=cashier_id, customer_id=customer,
                            approved_by_id=approver, subtotal=subtotal, ticket_discount=td, total=total,
                            loyalty_points=loyalty_points, loyalty_discount=loyalty,
                            total_net=sum((r.total_net for r in rows), Decimal(0)),
                            total_vat=sum((r.total_vat for r in rows), Decimal(0)), change_given=change,
                            created_at=at, business_date=timezone.localdate(at))
            _write(ticket=ticket, lines=rows, tenders=applied, at=at, entry_kind=EntryKind.TICKET, register_code=register.code)
            eventbus.publish(TicketCompleted(
                ticket_id=ticket.id, register_id=register.pk, location_id=register.location_id, number=number,
                cashier_id=cashier_id, customer_id=customer, total=total, total_net=ticket.total_net,
                total_vat=ticket.total_vat, business_date=ticket.business_date.isoformat(),
                items=tuple({"variant_id": str(r.variant_id), "quantity": r.quantity, "total": str(r.total)} for r in rows)))
            return ticket
    except IntegrityError:
        existing = _existing(ticket_uuid)  # the same UUID committed by a concurrent resubmission
        if existing is not None:
            return existing
        raise


def _redeem_store_credits(applied: list[_Tender]) -> None:
    for i, t in enumerate(applied):
        if t.method != TenderMethod.STORE_CREDIT or not t.amount:
            continue
        from django.db.models import F

        taken = StoreCredit.objects.filter(code=t.reference.upper(), remaining__gte=t.amount).update(
            remaining=F("remaining") - t.amount)
        if not taken:
            raise InvalidInput(_("Unknown store credit, or not enough left on it."), field=f"tenders[{i}].reference")


# --- returns and voids -------------------------------------------------------------------------------

REFUND_METHODS = METHODS | {"original"}


def return_items(*, session_id, uuid, cashier_id, original_ticket_id=None, lines: list[dict], refund_method: str,
                 approved_by_id=None, at: datetime.datetime | None = None, kind: str = TicketKind.RETURN) -> Ticket:
    """A return: a new ticket with negative lines; the goods go back to the register's shop;
    refunded to `refund_method` ("original" splits it over the original ticket's tenders;
    "store_credit" issues a credit whose code is the tender's reference). Without an original
    ticket only a manager may approve it."""
    ticket_uuid = as_uuid(uuid, "uuid")
    cashier_id = _user_id(cashier_id, "cashier_id")
    if refund_method not in REFUND_METHODS:
        raise InvalidInput(_("The refund method is one of %(REFUND_METHODS)s.") % {"REFUND_METHODS": ', '.join(sorted(REFUND_METHODS))}, field="refund_method")
    if not isinstance(lines, (list, tuple)) or not lines:
        raise InvalidInput(_("A return needs at least one line."), field="lines")
    original_id = as_uuid(original_ticket_id, "original_ticket_id") if original_ticket_id not in (None, "") else None
    if original_id is None and refund_method == "original":
        raise InvalidInput(_("Without the original ticket, choose how to refund."), field="refund_method")
    approver = None
    if original_id is None or kind == TicketKind.VOID:
        if approved_by_id in (None, ""):
            message = (_("A void needs a manager's approval.") if kind == TicketKind.VOID
                       else _("A return without its ticket needs a manager's approval."))
            raise ApprovalRequired(message, field="approved_by_id")
        approver = require_manager(approved_by_id, message=_("Only a manager may approve this."))
    at = at or timezone.now()
    existing = _existing(ticket_uuid, (kind,))
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            session = _open_session(session_id)
            register = session.register
            cashier_id = cashier_id if cashier_id is not None else session.cashier_id
            if original_id is not None:
                rows, original = _lines_from_original(original_id, lines)
            else:
                rows, original = _lines_without_ticket(lines, at), None
            total = sum((r.total for r in rows), Decimal(0))  # negative
            applied = _refund_tenders(total, refund_method, original)
            number = _next_number(register.pk)
            inventory_api.till_return(location_id=register.location_id,
                                      lines=[(r.variant_id, r.product_id, -r.quantity) for r in rows],
                                      reference=f"pos:{register.code}-{number}")
            ticket = Ticket(uuid=ticket_uuid, register=register, session=session, number=number, kind=kind,
                            location_id=register.location_id, cashier_id=cashier_id,
                            customer_id=original.customer_id if original else None, approved_by_id=approver,
                            original_ticket=original, subtotal=total, ticket_discount=Decimal("0.00"), total=total,
                            total_net=sum((r.total_net for r in rows), Decimal(0)),
                            total_vat=sum((r.total_vat for r in rows), Decimal(0)), change_given=Decimal("0.00"),
                            created_at=at, business_date=timezone.localdate(at))
            _write(ticket=ticket, lines=rows, tenders=applied, at=at,
                   entry_kind=EntryKind.VOID if kind == TicketKind.VOID else EntryKind.RETURN, register_code=register.code)
            for t in applied:  # a refund as store credit (chosen, or to an original store credit) issues a new one
                if t.method == TenderMethod.STORE_CREDIT:
                    StoreCredit.objects.create(code=t.reference, amount=-t.amount, remaining=-t.amount, issued_by_ticket=ticket)
            # A void undoes the whole sale: the points it spent come back (engagement, on the event).
            gives_back = kind == TicketKind.VOID and original is not None and original.loyalty_points > 0
            eventbus.publish(TicketReturned(
                ticket_id=ticket.id, original_ticket_id=original.id if original else None, register_id=register.pk,
                location_id=register.location_id, number=number, kind=kind, customer_id=ticket.customer_id, total=total,
                refund_method=refund_method, business_date=ticket.business_date.isoformat(),
                items=tuple({"variant_id": str(r.variant_id), "quantity": r.quantity, "total": str(r.total)} for r in rows),
                loyalty_reference=_redemption_reference(original.uuid) if gives_back else "",
                loyalty_points=original.loyalty_points if gives_back else 0))
            return ticket
    except IntegrityError:
        existing = _existing(ticket_uuid, (kind,))
        if existing is not None:
            return existing
        raise


def _lines_from_original(original_id, lines) -> tuple[list[TicketLine], Ticket]:
    # Locks the original ticket's row: two returns of the same ticket run one after the other
    # (the trigger refuses UPDATE and DELETE; FOR UPDATE is a lock, not a change).
    original = Ticket.objects.select_for_update().filter(pk=original_id).first()
    if original is None:
        raise NotFound(_("No such ticket."), field="original_ticket_id")
    if original.kind != TicketKind.SALE:
        raise InvalidInput(_("Only a sale can be returned."), field="original_ticket_id")
    sold = {ln.id: ln for ln in TicketLine.objects.filter(ticket=original)}
    returned_qty: dict[int, int] = {}
    returned_amount: dict[int, Decimal] = {}
    for line_id, q, amount in (TicketLine.objects.filter(original_line__ticket=original).values("original_line_id")
                               .annotate(q=Sum("quantity"), a=Sum("total")).values_list("original_line_id", "q", "a")):
        returned_qty[line_id], returned_amount[line_id] = -q, -amount
    rows, asked = [], {}
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise InvalidInput(_("A line is an object with line_id or variant_id, and quantity."), field=f"lines[{i}]")
        quantity = as_quantity(line.get("quantity", 1), f"lines[{i}].quantity")
        if line.get("line_id") not in (None, ""):
            try:
                src = sold.get(int(line["line_id"]))
            except (TypeError, ValueError):
                src = None
            if src is None:
                raise InvalidInput(_("This line is not on the original ticket."), field=f"lines[{i}].line_id")
        else:
            variant_id = as_uuid(line.get("variant_id"), f"lines[{i}].variant_id")
            candidates = [ln for ln in sorted(sold.values(), key=lambda x: x.position) if ln.variant_id == variant_id
                          and ln.quantity - returned_qty.get(ln.id, 0) - asked.get(ln.id, 0) >= quantity]
            if not candidates:
                raise InvalidInput(_("This article is not on the original ticket (or already returned)."),
                                   field=f"lines[{i}].variant_id")
            src = candidates[0]
        left = src.quantity - returned_qty.get(src.id, 0) - asked.get(src.id, 0)
        if quantity > left:
            raise InvalidInput(_("Only %(left)s left to return on this line.") % {"left": left}, field=f"lines[{i}].quantity")
        asked[src.id] = asked.get(src.id, 0) + quantity
        if quantity == left:  # the last units take what is left of the line's amount: nothing lost to rounding
            amount = src.total - returned_amount.get(src.id, Decimal(0)) - sum(
                (-r.total for r in rows if r.original_line_id == src.id), Decimal(0))
        else:
            amount = cents(src.total * quantity / src.quantity)
        net, vat = split_vat(-amount, src.vat_rate)
        rows.append(TicketLine(position=len(rows) + 1, variant_id=src.variant_id, product_id=src.product_id, sku=src.sku,
                               name=src.name, quantity=-quantity, unit_price=src.unit_price, total=-amount,
                               vat_rate=src.vat_rate, total_net=net, total_vat=vat, original_line=src))
    return rows, original


def _lines_without_ticket(lines, at) -> list[TicketLine]:
    wanted = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise InvalidInput(_("A line is an object with variant_id and quantity."), field=f"lines[{i}]")
        wanted.append((as_uuid(line.get("variant_id"), f"lines[{i}].variant_id"),
                       as_quantity(line.get("quantity", 1), f"lines[{i}].quantity")))
    priced = catalog_api.prices(lines=wanted, channel="shop", at=at)
    variants = catalog_api.variants_by_ids(ids={v for v, _ in wanted})
    rows = []
    for i, ((variant_id, quantity), p) in enumerate(zip(wanted, priced)):
        v = variants[variant_id]
        net, vat = split_vat(-p.total, p.vat_rate)
        rows.append(TicketLine(position=i + 1, variant_id=variant_id, product_id=v.product_id, sku=v.sku[:64],
                               name=v.name[:250], quantity=-quantity, unit_price=price(p.unit_price),
                               promotion_discount=-p.discount, total=-p.total, vat_rate=p.vat_rate, total_net=net,
                               total_vat=vat))
    return rows


def _credit_code() -> str:
    return "AV" + secrets.token_hex(5).upper()


def _refund_tenders(total: Decimal, refund_method: str, original: Ticket | None) -> list[_Tender]:
    """Refund tenders (negative amounts) adding up to `total` (negative)."""
    if not total:
        return []
    if refund_method == TenderMethod.STORE_CREDIT:
        return [_Tender(TenderMethod.STORE_CREDIT, total, total, _credit_code())]
    if refund_method != "original":
        return [_Tender(refund_method, total, total, "")]
    # Over the original tenders in order, each up to what it paid less what was refunded on it.
    paid = list(Tender.objects.filter(ticket=original).order_by("position").values_list("method", "amount", "reference"))
    refunded: dict[str, Decimal] = {}
    for method, amount in (Tender.objects.filter(ticket__original_ticket=original).values_list("method", "amount")):
        refunded[method] = refunded.get(method, Decimal(0)) - amount
    left, out = -total, []
    for method, amount, reference in paid:
        room = amount - refunded.get(method, Decimal(0))
        take = max(min(room, left), Decimal(0))
        refunded[method] = refunded.get(method, Decimal(0)) + take
        if take:
            if method == TenderMethod.STORE_CREDIT:
                reference = _credit_code()
            out.append(_Tender(method, -take, -take, reference))
            left -= take
        if not left:
            break
    if left:
        out.append(_Tender(TenderMethod.CASH, -left, -left, ""))
    return out


def void_ticket(*, session_id, uuid, cashier_id, ticket_id, approved_by_id, at: datetime.datetime | None = None) -> Ticket:
    """Cancels a sale (what is left of it) with a manager's approval: a void ticket reversing
    every remaining line, refunded to the original tenders."""
    ticket_id = as_uuid(ticket_id, "ticket_id")
    lines = [{"line_id": lid, "quantity": q} for lid, q in _remaining_quantities(ticket_id).items() if q > 0]
    if not lines:
        existing = _existing(as_uuid(uuid, "uuid"), (TicketKind.VOID,))
        if existing is not None:
            return existing
        raise InvalidState(_("Nothing is left to void on this ticket."), field="ticket_id")
    return return_items(session_id=session_id, uuid=uuid, cashier_id=cashier_id, original_ticket_id=ticket_id, lines=lines,
                        refund_method="original", approved_by_id=approved_by_id, at=at, kind=TicketKind.VOID)


def _remaining_quantities(ticket_id) -> dict[int, int]:
    sold = dict(TicketLine.objects.filter(ticket_id=ticket_id).values_list("id", "quantity"))
    for line_id, q in (TicketLine.objects.filter(original_line__ticket_id=ticket_id).values("original_line_id")
                       .annotate(q=Sum("quantity")).values_list("original_line_id", "q")):
        sold[line_id] = sold.get(line_id, 0) + q
    return sold


# --- duplicates ------------------------------------------------------------------------------------------

def record_duplicate_print(*, ticket_id, by_id, at: datetime.datetime | None = None) -> int:
    """A duplicate of a receipt was printed: journaled; returns how many duplicates were printed
    (this one included)."""
    ticket_id = as_uuid(ticket_id, "ticket_id")
    by_id = _user_id(by_id, "by_id") if by_id is not None else None
    at = at or timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.select_related("register").filter(pk=ticket_id).first()
        if ticket is None:
            raise NotFound(_("No such ticket."), field="ticket_id")
        head = journal.lock_head()
        count = JournalEntry.objects.filter(kind=EntryKind.DUPLICATE, reference=str(ticket.id)).count() + 1
        journal.append(head, kind=EntryKind.DUPLICATE, at=at, register_code=ticket.register.code,
                       location_id=ticket.location_id, reference=str(ticket.id),
                       content={"ticket_id": str(ticket.id), "ticket_number": ticket.number, "duplicate": count,
                                "by_id": by_id})
    return count


def duplicate_count(*, ticket_id) -> int:
    return JournalEntry.objects.filter(kind=EntryKind.DUPLICATE, reference=str(ticket_id)).count()


def new_uuid() -> uuid_lib.UUID:
    return uuid_lib.uuid4()
