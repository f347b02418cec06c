"""Reads for the till and the API: code look-up (scanner), receipts, session summaries,
history. Each runs a fixed number of queries whatever the number of lines."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from contexts.catalog import api as catalog_api
from contexts.core import api as core_api
from contexts.inventory import api as inventory_api
from contexts.pos.data import (
    ReceiptData, ReceiptLine, ReceiptTender, ReceiptVat, SellableLine, SessionSummary, TenderTotal,
)
from contexts.pos.models import CashierSession, Register, Shop, Ticket, TicketKind
from contexts.pos.services import closings, tickets as ticket_services
from contexts.pos.services._common import InvalidInput, NotFound, as_uuid
from crm.money import cents
from django.utils.translation import gettext as _


def _sellable(v, priced) -> SellableLine:
    return SellableLine(variant_id=v.id, sku=v.sku, name=v.name, barcode=v.ean13 or "", unit_price=cents(priced.total),
                        base_price=cents(priced.unit_price), vat_rate=v.vat_rate, is_active=v.is_active,
                        promotions=tuple(p.name for p in priced.promotions))


def lookup_code(*, code: str, limit: int = 20) -> SellableLine | list[SellableLine]:
    """A scanned EAN-13 or a typed SKU gives one sellable line (unit price after promotions,
    for one unit); anything else is searched by name and gives a list (maybe empty)."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput(_("Scan or type a code."), field="code")
    if len(code) > 100:
        raise InvalidInput(_("The code is too long."), field="code")
    exact = catalog_api.variant_by_barcode(code=code)
    if exact is not None:
        priced = catalog_api.prices(lines=[(exact.id, 1)], channel="shop")[0]
        return _sellable(exact, priced)
    found = catalog_api.search_variants(q=code, limit=limit)
    if not found:
        return []
    priced = {p.variant_id: p for p in catalog_api.prices(lines=[(v.id, 1) for v in found], channel="shop")}
    return [_sellable(v, priced[v.id]) for v in found]


def _ticket(ticket_id) -> Ticket:
    ticket = (Ticket.objects.select_related("register", "original_ticket__register")
              .filter(pk=as_uuid(ticket_id, "ticket_id")).first())
    if ticket is None:
        raise NotFound(_("No such ticket."), field="ticket_id")
    return ticket


def receipt(*, ticket_id) -> ReceiptData:
    """Everything a receipt prints: the seller's legal identity and the shop's SIRET, lines,
    VAT per rate, tenders and change, number, date, register, cashier, the signature excerpt of
    its journal entry and the number of duplicates printed."""
    from contexts.pos.models import JournalEntry

    ticket = _ticket(ticket_id)
    lines = list(ticket.lines.order_by("position"))
    tenders = list(ticket.tenders.order_by("position"))
    org = core_api.current_organisation()
    shop = Shop.objects.filter(location_id=ticket.location_id).first()
    entry = JournalEntry.objects.filter(seq=ticket.journal_seq).only("hash", "signature").first()
    staff = core_api.staff_by_ids(ids=[ticket.cashier_id]).get(ticket.cashier_id)
    customer = core_api.client_summary(client_id=ticket.customer_id) if ticket.customer_id else None
    vat = [ReceiptVat(rate=Decimal(rate), net=cents(net), vat=cents(v), gross=cents(net + v))
           for rate, (net, v) in sorted(ticket_services.vat_breakdown(lines).items(), key=lambda kv: Decimal(kv[0]))]
    return ReceiptData(
        ticket_id=ticket.id, uuid=ticket.uuid, number=ticket.number, display_number=str(ticket), kind=ticket.kind,
        created_at=ticket.created_at, business_date=ticket.business_date,
        register_code=ticket.register.code, register_name=ticket.register.name,
        cashier_id=ticket.cashier_id, cashier_name=staff.display_name if staff else str(ticket.cashier_id),
        seller_name=org.legal_name or org.name, trade_name=(shop.name if shop and shop.name else org.name),
        siren=org.siren, siret=shop.siret if shop else "", vat_number=org.vat_number,
        address_line=(shop.address_line if shop and shop.address_line else org.address_line),
        postal_code=(shop.postal_code if shop and shop.postal_code else org.postal_code),
        city=(shop.city if shop and shop.city else org.city), receipt_footer=shop.receipt_footer if shop else "",
        customer_id=ticket.customer_id, customer_name=customer.display_name if customer else "",
        lines=tuple(ReceiptLine(line_id=ln.id, variant_id=ln.variant_id, sku=ln.sku, name=ln.name, quantity=ln.quantity,
                                unit_price=cents(ln.unit_price), promotion_discount=ln.promotion_discount,
                                discount=ln.discount + ln.ticket_discount_share, total=ln.total, vat_rate=ln.vat_rate)
                    for ln in lines),
        vat=tuple(vat), subtotal=ticket.subtotal, ticket_discount=ticket.ticket_discount, total=ticket.total,
        total_net=ticket.total_net, total_vat=ticket.total_vat,
        tenders=tuple(ReceiptTender(method=t.method, amount=t.amount, tendered=t.tendered, reference=t.reference)
                      for t in tenders),
        change_given=ticket.change_given,
        original_ticket_id=ticket.original_ticket_id,
        original_display_number=str(ticket.original_ticket) if ticket.original_ticket_id else "",
        journal_seq=ticket.journal_seq, signature_excerpt=_excerpt(entry.signature if entry else ""),
        hash_excerpt=_excerpt(entry.hash if entry else ""),
        duplicate_count=ticket_services.duplicate_count(ticket_id=ticket.id),
        store_credit_codes=tuple(ticket.store_credits.values_list("code", flat=True)),
    )


def _excerpt(value: str) -> str:
    """What a receipt prints of a signature: 4 characters from 4 fixed places, as NF525 tills do."""
    return "".join(value[i] for i in (2, 6, 12, 24)) if len(value) > 24 else value


def session_summary(*, session_id) -> SessionSummary:
    session = CashierSession.objects.select_related("register").filter(pk=as_uuid(session_id, "session_id")).first()
    if session is None:
        raise NotFound(_("No such session."), field="session_id")
    expected = closings.expected_per_tender(session)
    totals = closings.totals_of(Ticket.objects.filter(session=session))
    closing = getattr(session, "closing", None) if session.status == "closed" else None
    return SessionSummary(
        session_id=session.id, register_id=session.register_id, register_code=session.register.code,
        location_id=session.register.location_id, cashier_id=session.cashier_id, status=session.status,
        opened_at=session.opened_at, closed_at=session.closed_at, opening_float=session.opening_float,
        expected=tuple(TenderTotal(method=m, amount=a) for m, a in sorted(expected.items())),
        tickets=totals["tickets"], sales=totals["sales"], returns=totals["returns"], gross=Decimal(totals["gross"]),
        net=Decimal(totals["net"]), vat=Decimal(totals["vat"]), per_rate=totals["per_rate"],
        closing_id=closing.id if closing else None,
        counted={k: Decimal(v) for k, v in closing.counted.items()} if closing else {},
        difference={k: Decimal(v) for k, v in closing.difference.items()} if closing else {},
    )


def open_session_of(*, register_id) -> CashierSession | None:
    return CashierSession.objects.filter(register_id=as_uuid(register_id, "register_id"), status="open").first()


def registers(*, location_id=None) -> QuerySet:
    qs = Register.objects.filter(is_active=True)
    return qs.filter(location_id=as_uuid(location_id, "location_id")) if location_id else qs


def history(*, register: str | None = None, cashier_id=None, date_from: datetime.date | None = None,
            date_to: datetime.date | None = None, customer_id=None, kind: str | None = None) -> QuerySet:
    """Tickets, newest first, filtered (register by id or code)."""
    qs = Ticket.objects.select_related("register").order_by("-created_at", "-number")
    if register:
        try:
            qs = qs.filter(register_id=uuid.UUID(str(register)))
        except ValueError:
            qs = qs.filter(register__code=str(register).lower())
    if cashier_id not in (None, ""):
        try:
            qs = qs.filter(cashier_id=int(cashier_id))
        except (TypeError, ValueError):
            raise InvalidInput(_("Not a user id."), field="cashier")
    if customer_id not in (None, ""):
        qs = qs.filter(customer_id=as_uuid(customer_id, "customer"))
    if date_from:
        qs = qs.filter(business_date__gte=date_from)
    if date_to:
        qs = qs.filter(business_date__lte=date_to)
    if kind:
        if kind not in TicketKind.values:
            raise InvalidInput(_("The kind is one of %(values)s.") % {"values": ', '.join(TicketKind.values)}, field="kind")
        qs = qs.filter(kind=kind)
    return qs


def find_ticket(*, code: str) -> Ticket | None:
    """A ticket by its printed number ("CAISSE-1-000042"), its id or its UUID (the return screen)."""
    code = (code or "").strip()
    try:
        key = uuid.UUID(code)
        return Ticket.objects.filter(pk=key).first() or Ticket.objects.filter(uuid=key).first()
    except ValueError:
        pass
    head, _sep, number = code.rpartition("-")
    if not head or not number.isdigit():
        return None
    return Ticket.objects.filter(register__code=head.lower(), number=int(number)).first()


def stock_alerts(*, location_id) -> dict[uuid.UUID, int]:
    return inventory_api.open_alerts(location_id=location_id)


def returnable(*, ticket_id) -> dict[int, int]:
    """Line id -> quantity still returnable on a sale."""
    return {k: v for k, v in ticket_services._remaining_quantities(as_uuid(ticket_id, "ticket_id")).items() if v > 0}


