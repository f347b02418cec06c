"""The published interface of commercial: the only module other contexts may import (with
events.py). Keyword-only functions that delegate to a service or a selector, returning plain
values."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from contexts.commercial import selectors
from contexts.commercial.services import commissions, contracts


def create_agent_with_scale(*, name: str, email: str, client_ids: list[uuid.UUID], kind: str = "progressive",
                            tiers: list[tuple[Decimal, Decimal]] = ((Decimal("0"), Decimal("5")),)) -> uuid.UUID:
    """A sales agent paid on collected amounts of these clients, with a scale of (threshold, rate %) tiers."""
    return commissions.agent_create(name=name, email=email, client_ids=client_ids, kind=kind, tiers=tiers).id


def create_signed_contract(*, client_id: uuid.UUID, title: str, start_date: datetime.date, end_date: datetime.date,
                           lines: list[dict], signed_by: str, agent_id: uuid.UUID | None = None) -> uuid.UUID:
    return contracts.contract_create_signed(client_id=client_id, title=title, start_date=start_date,
                                            end_date=end_date, lines=lines, signed_by=signed_by, agent_id=agent_id).id


def bill_contracts(*, today: datetime.date) -> int:
    """Invoices the signed contracts whose period starts this month (what the daily job does)."""
    return contracts.bill_period(today=today)


def has_contracts() -> bool:
    return selectors.has_contracts()


def carts_created(*, since: datetime.datetime, until: datetime.datetime) -> int:
    """How many carts were opened in [since, until): the denominator of the conversion rate."""
    return selectors.carts_created(since=since, until=until)


def export_orders(*, created_from=None, created_to=None):
    """(header, rows): the orders as CSV rows, streamed from a server-side cursor (crm.exports)."""
    return selectors.export_orders(created_from=created_from, created_to=created_to)
