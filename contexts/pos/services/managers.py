"""Manager PINs: a manager approves at the till by typing a PIN (discounts above the
threshold, returns without ticket, voids). PINs are hashed with Django's password hashers and
found through a keyed HMAC (the lookup is useless without the server's secret). Failures are
counted per tenant: after too many, PIN checks are refused for a while."""
from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import connection, transaction

from contexts.core import api as core_api
from contexts.pos.models import ManagerPin
from contexts.pos.services._common import ApprovalRequired, InvalidInput
from django.utils.translation import gettext as _

MAX_FAILURES = 10
LOCK_SECONDS = 300


def _lookup(pin: str) -> str:
    secret = (getattr(settings, "POS_JOURNAL_SECRET", "") or settings.SECRET_KEY).encode()
    return hmac.new(secret, f"comptoir/pos-pin/{connection.schema_name}/{pin}".encode(), hashlib.sha256).hexdigest()


def _valid_pin(pin) -> str:
    pin = str(pin or "").strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise InvalidInput(_("A PIN is 4 to 8 digits."), field="pin")
    return pin


def require_manager(user_id, *, field: str = "approved_by_id", message: str | None = None) -> int:
    """The id of an active manager (manager, admin or owner role), else ApprovalRequired naming `field`."""
    staff = core_api.staff_by_ids(ids=[user_id]).get(int(user_id)) if str(user_id or "").isdigit() else None
    if staff is None or not staff.is_manager:
        raise ApprovalRequired(message or _("A manager must approve."), field=field)
    return staff.id


def set_manager_pin(*, user_id: int, pin: str) -> None:
    pin = _valid_pin(pin)
    user_id = require_manager(user_id, field="user_id", message=_("Only a manager, an administrator or an owner has a PIN."))
    lookup = _lookup(pin)
    with transaction.atomic():
        if ManagerPin.objects.filter(lookup=lookup).exclude(user_id=user_id).exists():
            raise InvalidInput(_("Choose another PIN."), field="pin")
        ManagerPin.objects.update_or_create(user_id=user_id, defaults={"lookup": lookup, "pin_hash": make_password(pin)})


def _failures_key() -> str:
    return f"pos:pin-failures:{connection.schema_name}"


def check_manager_pin(*, pin: str) -> int | None:
    """The id of the active manager whose PIN this is, else None."""
    if cache.get(_failures_key(), 0) >= MAX_FAILURES:
        raise ApprovalRequired(_("Too many wrong PINs: wait a few minutes."), field="pin", code="too_many_attempts")
    try:
        pin = _valid_pin(pin)
    except InvalidInput:
        return None
    row = ManagerPin.objects.filter(lookup=_lookup(pin)).first()
    if row is not None and check_password(pin, row.pin_hash):
        staff = core_api.staff_by_ids(ids=[row.user_id]).get(row.user_id)
        if staff is not None and staff.is_manager:
            return row.user_id
    try:
        cache.add(_failures_key(), 0, LOCK_SECONDS)
        cache.incr(_failures_key())
    except ValueError:
        pass
    return None
