"""Contracts: lines billed every period, signed (commercial.contract.signed), renewed tacitly,
invoiced by a tenant job through finance's api (once per contract and period)."""
from __future__ import annotations

import datetime
import uuid
from typing import Iterable, Mapping

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from contexts.commercial.events import ContractSigned
from contexts.commercial.models import Contract, ContractLine, ContractStatus, Recurrence
from contexts.core import api as core_api
from contexts.finance import api as finance_api
from crm import eventbus
from crm.rest.errors import DomainError, InvalidInput, NotFound
from django.utils.translation import gettext as _

STEP = {Recurrence.MONTHLY: relativedelta(months=1), Recurrence.QUARTERLY: relativedelta(months=3),
        Recurrence.YEARLY: relativedelta(years=1)}


class ContractStateError(DomainError):
    code = "contract_state"


def contract_create(*, client_id: uuid.UUID, title: str, start_date: datetime.date, end_date: datetime.date,
                    lines: Iterable[Mapping], recurrence: str = Recurrence.MONTHLY, tacit_renewal: bool = True,
                    agent_id: uuid.UUID | None = None) -> Contract:
    if core_api.client_summary(client_id=client_id) is None:
        raise InvalidInput(_("No such client."), field="client_id")
    if end_date <= start_date:
        raise InvalidInput(_("The contract ends after it starts."), field="end_date")
    if recurrence not in Recurrence.values:
        raise InvalidInput(_("Monthly, quarterly or yearly."), field="recurrence")
    lines = list(lines)
    if not lines:
        raise InvalidInput(_("A contract needs lines."), field="lines")
    with transaction.atomic():
        contract = Contract.objects.create(client_id=client_id, title=title, start_date=start_date, end_date=end_date,
                                           recurrence=recurrence, tacit_renewal=tacit_renewal, agent_id=agent_id)
        ContractLine.objects.bulk_create([ContractLine(contract=contract, label=l["label"], quantity=l["quantity"],
                                                       unit_price_net=l["unit_price_net"], vat_rate=l.get("vat_rate", 20))
                                          for l in lines])
    return contract


def contract_sign(*, contract_id: uuid.UUID, signed_by: str) -> Contract:
    if not signed_by.strip():
        raise InvalidInput(_("Who signed?"), field="signed_by")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().filter(pk=contract_id).first()
        if contract is None:
            raise NotFound(_("No such contract."), field="contract_id")
        if contract.status != ContractStatus.DRAFT:
            raise ContractStateError(_("This contract is %(status)s.") % {"status": contract.status}, field="status")
        contract.status, contract.signed_at, contract.signed_by = ContractStatus.SIGNED, timezone.now(), signed_by
        contract.save(update_fields=["status", "signed_at", "signed_by"])
        eventbus.publish(ContractSigned(contract_id=contract.id, client_id=contract.client_id,
                                        start_date=contract.start_date.isoformat(), end_date=contract.end_date.isoformat()))
    return contract


def renew_due(*, today: datetime.date) -> int:
    """Tacit renewal: a signed contract reaching its end is extended by its own length."""
    n = 0
    for contract in Contract.objects.filter(status=ContractStatus.SIGNED, tacit_renewal=True, end_date__lte=today):
        length = contract.end_date - contract.start_date
        Contract.objects.filter(pk=contract.pk).update(start_date=contract.end_date, end_date=contract.end_date + length)
        n += 1
    return n


def bill_period(*, today: datetime.date) -> int:
    """Invoices each signed contract whose period starts this month (idempotent per period)."""
    period = today.strftime("%Y-%m")
    n = 0
    for contract in Contract.objects.filter(status=ContractStatus.SIGNED, start_date__lte=today, end_date__gt=today).prefetch_related("lines"):
        start = contract.start_date
        while start + STEP[contract.recurrence] <= today:
            start += STEP[contract.recurrence]
        if start.strftime("%Y-%m") != period:
            continue
        finance_api.invoice_for_contract_period(
            contract_id=contract.id, client_id=contract.client_id, period=period,
            lines=[{"label": l.label, "quantity": l.quantity, "unit_price_net": l.unit_price_net, "vat_rate": l.vat_rate}
                   for l in contract.lines.all()])
        n += 1
    return n
