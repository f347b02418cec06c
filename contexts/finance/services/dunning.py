"""Dunning: reminders for overdue invoices, by level, run every day by beat in each tenant.

Levels (days after the due date): 1 at D+7 (e-mail), 2 at D+15 (e-mail), 3 at D+30 (formal
notice). An invoice gets each level once, only the highest level due is sent when several are
(no burst of three mails after a holiday); a dispute or a payment promise pauses it (until a date,
or until lifted). The history is the invoice's Reminder rows."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from contexts.finance.events import FormalNoticeSent
from contexts.finance.models import Allocation, DunningHold, DunningState, Invoice, Reminder
from crm import eventbus
from crm.rest.errors import InvalidInput, NotFound
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Level:
    number: int
    days: int
    kind: str
    subject: str


LEVELS = (
    Level(1, 7, "email", "Rappel : facture {number} échue"),
    Level(2, 15, "email", "Second rappel : facture {number} impayée"),
    Level(3, 30, "formal_notice", "Mise en demeure de payer la facture {number}"),
)


def _overdue(today: datetime.date):
    paid = (Allocation.objects.filter(invoice=OuterRef("pk"), payment__status="succeeded")
            .values("invoice").annotate(s=Sum("amount")).values("s"))
    money = DecimalField(max_digits=14, decimal_places=2)
    return (Invoice.objects.filter(status="issued", kind="invoice", due_date__lte=today - datetime.timedelta(days=LEVELS[0].days))
            .annotate(paid=Coalesce(Subquery(paid, output_field=money), Value(Decimal("0")), output_field=money))
            .select_related("dunning").order_by("due_date", "number"))


def run(*, today: datetime.date | None = None) -> int:
    """Sends the reminders due today in the current tenant; returns how many."""
    today = today or timezone.localdate()
    sent = 0
    for invoice in _overdue(today).iterator(chunk_size=200):
        due = invoice.total_gross - invoice.paid
        if due <= 0:
            continue
        state = getattr(invoice, "dunning", None)
        if state and state.hold:
            if state.hold_until is None or state.hold_until >= today:
                continue
            DunningState.objects.filter(pk=state.pk).update(hold="", hold_until=None)
        days_late = (today - invoice.due_date).days
        target = max((lvl for lvl in LEVELS if days_late >= lvl.days), key=lambda lvl: lvl.number)
        if state and state.level >= target.number:
            continue
        if _send(invoice, target, due):
            sent += 1
    return sent


def _send(invoice: Invoice, level: Level, due: Decimal) -> bool:
    subject = level.subject.format(number=invoice.number)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(invoice=invoice, level=level.number, kind=level.kind, sent_to=invoice.buyer_email,
                                    subject=subject, amount_due=due)
            DunningState.objects.update_or_create(invoice=invoice, defaults={"level": level.number})
            if level.kind == "formal_notice":  # posted as a registered letter (logistics subscribes)
                eventbus.publish(FormalNoticeSent(reminder_id=reminder.id, invoice_id=invoice.id,
                                                  client_id=invoice.client_id, amount_due=due))
            if invoice.buyer_email:
                body = render_to_string(f"finance/emails/reminder_{level.kind}.txt",
                                        {"invoice": invoice, "due": due, "level": level})
                # Sent on commit: a rolled-back run mails nobody; the unique (invoice, level)
                # row stops a second run from mailing twice.
                message = EmailMessage(subject=subject, body=body, to=[invoice.buyer_email])
                transaction.on_commit(message.send)
    except IntegrityError:
        return False  # another run sent this level meanwhile
    return True


def hold(*, invoice_id: uuid.UUID, reason: str, until: datetime.date | None = None, note: str = "") -> DunningState:
    """Pauses the dunning of an invoice: a dispute or a payment promise."""
    if reason not in (DunningHold.DISPUTE, DunningHold.PROMISE):
        raise InvalidInput(_("The hold is a dispute or a promise."), field="reason")
    if reason == DunningHold.PROMISE and until is None:
        raise InvalidInput(_("A payment promise has a date."), field="until")
    invoice = Invoice.objects.filter(pk=invoice_id, status="issued").first()
    if invoice is None:
        raise NotFound(_("No such issued invoice."), field="invoice_id")
    state, _created = DunningState.objects.update_or_create(invoice=invoice, defaults={"hold": reason, "hold_until": until, "hold_note": note[:200]})
    return state


def lift(*, invoice_id: uuid.UUID) -> None:
    DunningState.objects.filter(invoice_id=invoice_id).update(hold="", hold_until=None, hold_note="")


def formal_notice_pdf(reminder: Reminder) -> bytes:
    """The formal notice as a letter (PDF): the text of the e-mail, under the seller's and the
    buyer's addresses."""
    from weasyprint import HTML

    invoice = reminder.invoice
    text = render_to_string("finance/emails/reminder_formal_notice.txt",
                            {"invoice": invoice, "due": reminder.amount_due, "level": LEVELS[2]})
    html = render_to_string("finance/formal_notice.html", {"invoice": invoice, "reminder": reminder, "text": text})
    return HTML(string=html).write_pdf()


def record_dispatch(*, reminder_id: uuid.UUID | str, dispatch_id: uuid.UUID | str, status: str, proof: str = "",
                    cost: Decimal | None = None) -> None:
    """The posted letter of a formal notice, as logistics reports it (delivered with its proof of
    delivery, or returned to sender): shown in the invoice's dunning history."""
    Reminder.objects.filter(pk=reminder_id).update(dispatch_id=dispatch_id, dispatch_status=status[:20],
                                                   dispatch_proof=proof[:200], dispatch_cost=cost)
