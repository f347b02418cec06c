"""Helpers shared by the pos services: argument parsing that names the field."""
from __future__ import annotations

import uuid
from decimal import Decimal

from crm.money import cents
from crm.rest.errors import DomainError, InvalidInput, NotFound
from rest_framework import status
from django.utils.translation import gettext as _


class ApprovalRequired(DomainError):
    """A manager must approve (discount above the threshold, return without ticket, void)."""

    code = "approval_required"
    status_code = status.HTTP_403_FORBIDDEN


class InvalidState(DomainError):
    code = "invalid_state"


def as_uuid(value, field: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput(_("Not a valid UUID."), field=field)


def as_amount(value, field: str, *, allow_negative: bool = False) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
    except Exception:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidInput(_("Not an amount."), field=field)
    if amount != cents(amount):
        raise InvalidInput(_("Amounts have at most two decimals."), field=field)
    if amount < 0 and not allow_negative:
        raise InvalidInput(_("The amount cannot be negative."), field=field)
    if abs(amount) >= Decimal("10000000000"):
        raise InvalidInput(_("The amount is too large."), field=field)
    return cents(amount)


def as_quantity(value, field: str) -> int:
    if isinstance(value, bool):
        raise InvalidInput(_("The quantity is a whole number."), field=field)
    try:
        q = int(str(value))
    except (TypeError, ValueError):
        raise InvalidInput(_("The quantity is a whole number."), field=field)
    if q <= 0:
        raise InvalidInput(_("The quantity must be positive."), field=field)
    if q > 100000:
        raise InvalidInput(_("The quantity is too large."), field=field)
    return q


__all__ = ["ApprovalRequired", "InvalidInput", "InvalidState", "NotFound", "as_amount", "as_quantity", "as_uuid"]
