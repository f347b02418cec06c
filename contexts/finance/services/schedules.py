"""Payment schedules: an issued invoice split into installments on business days."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction

from contexts.finance.models import Installment, Invoice, PaymentSchedule
from contexts.finance.services.calendar import next_business_day
from crm.money import cents
from crm.rest.errors import DomainError, InvalidInput, NotFound
from django.utils.translation import gettext as _


class ScheduleExists(DomainError):
    code = "schedule_exists"


def schedule_create(*, invoice_id: uuid.UUID, installments: int, first_due: datetime.date | None = None,
                    every_months: int = 1, alsace_moselle: bool = False) -> PaymentSchedule:
    """Equal installments, the cents left over on the last; each due date moved to the next
    business day."""
    if not 2 <= int(installments) <= 24:
        raise InvalidInput(_("From 2 to 24 installments."), field="installments")
    if not 1 <= int(every_months) <= 12:
        raise InvalidInput(_("From 1 to 12 months between installments."), field="every_months")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None:
            raise NotFound(_("No such invoice."), field="invoice_id")
        if not invoice.is_issued:
            raise InvalidInput(_("Only an issued invoice gets a schedule."), field="invoice_id")
        if PaymentSchedule.objects.filter(invoice=invoice).exists():
            raise ScheduleExists(_("This invoice already has a schedule."), field="invoice_id")
        first = first_due or invoice.due_date
        share = cents(invoice.total_gross / Decimal(installments))
        amounts = [share] * (installments - 1) + [invoice.total_gross - share * (installments - 1)]
        schedule = PaymentSchedule.objects.create(invoice=invoice)
        Installment.objects.bulk_create([
            Installment(schedule=schedule, position=i + 1, amount=amount,
                        due_date=next_business_day(first + relativedelta(months=i * every_months), alsace_moselle=alsace_moselle))
            for i, amount in enumerate(amounts)
        ])
    return schedule
