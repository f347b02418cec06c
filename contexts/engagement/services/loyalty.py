"""Loyalty: points earned on paid web orders and till tickets (the tenant's rule: points per
euro), tiers by points earned, points redeemed as a discount (checkout, till), taken back on a
return, given back when the order is cancelled or the till ticket voided. The ledger (LoyaltyEntry) is the truth; the account row holds its sum and is the lock.
Each movement is unique per (kind, source, reference): a replayed event counts once."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from contexts.engagement.models import LoyaltyAccount, LoyaltyEntry, LoyaltyEntryKind, LoyaltyProgram, LoyaltyTier
from crm.money import cents, to_decimal
from crm.rest.errors import DomainError, InvalidInput
from crm.transactions import joined


class NotEnoughPoints(DomainError):
    code = "not_enough_points"
    status_code = 409


def program() -> LoyaltyProgram:
    return LoyaltyProgram.objects.get_or_create(pk=1)[0]


def points_for(amount: Decimal, prog: LoyaltyProgram | None = None) -> int:
    prog = prog or program()
    return int((to_decimal(amount) * prog.points_per_euro).to_integral_value(rounding=ROUND_DOWN))


def _account(client_id) -> LoyaltyAccount:
    """The client's account, locked (created on first need)."""
    LoyaltyAccount.objects.bulk_create([LoyaltyAccount(client_id=client_id)], ignore_conflicts=True)
    return LoyaltyAccount.objects.select_for_update().get(pk=client_id)


def _move(account: LoyaltyAccount, *, kind: str, points: int, source: str, source_id: str, amount=Decimal(0)) -> LoyaltyEntry | None:
    """Writes one ledger line and the account's sum; None when that movement exists already."""
    if LoyaltyEntry.objects.filter(kind=kind, source=source, source_id=str(source_id)).exists():
        return None
    entry = LoyaltyEntry.objects.create(account=account, kind=kind, points=points, source=source, source_id=str(source_id),
                                        amount=cents(amount))
    account.balance += points
    if kind == LoyaltyEntryKind.EARN:
        account.earned_total += points
    elif kind == LoyaltyEntryKind.REVERSE:
        account.earned_total = max(0, account.earned_total + points)
    account.save(update_fields=["balance", "earned_total"])
    return entry


def earn(*, client_id: uuid.UUID | str | None, source: str, source_id, amount) -> int:
    """Points for a paid order or a till ticket; 0 for an anonymous sale or a replay."""
    prog = program()
    if not client_id or not prog.is_active:
        return 0
    points = points_for(amount, prog)
    if points <= 0:
        return 0
    with transaction.atomic():
        entry = _move(_account(client_id), kind=LoyaltyEntryKind.EARN, points=points, source=source, source_id=source_id, amount=amount)
    return entry.points if entry else 0


def take_back(*, client_id: uuid.UUID | str | None, source: str, source_id, amount) -> int:
    """A return: the points its amount earned are taken back (no more than the balance holds:
    points already spent are not clawed back below zero). Returns the points taken."""
    if not client_id:
        return 0
    points = points_for(abs(to_decimal(amount)))
    if points <= 0:
        return 0
    with transaction.atomic():
        account = _account(client_id)
        entry = _move(account, kind=LoyaltyEntryKind.REVERSE, points=-min(points, account.balance), source=source,
                      source_id=source_id, amount=amount)
    return -entry.points if entry else 0


def till_return(*, client_id: uuid.UUID | str | None, ticket_id, amount, restore_reference: str = "") -> tuple[int, int]:
    """A till return or void (pos.ticket.returned.v1), in one transaction: a void of a sale that
    spent points gives them back first (`restore_reference`, the sale's redemption), then the
    points the refunded amount had earned are taken back. Each movement once, whatever the
    deliveries. Returns (points restored, points taken back)."""
    with joined():  # the handler's transaction: both movements or neither, no savepoint
        restored = restore(reference=restore_reference) if restore_reference else 0
        taken = take_back(client_id=client_id, source="till_return", source_id=ticket_id, amount=amount)
    return restored, taken


def redeem(*, client_id: uuid.UUID | str, points: int, reference: str, source: str = "checkout") -> Decimal:
    """Spends points for a discount (euros, to the cent). The same reference redeems once and
    answers the same discount again."""
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise InvalidInput(_("Points to redeem must be a positive whole number."), field="points")
    if not reference:
        raise InvalidInput(_("A redemption needs a reference."), field="reference")
    prog = program()
    if not prog.is_active:
        raise InvalidInput(_("The loyalty programme is closed: points cannot be used."), field="points")
    with transaction.atomic():
        account = _account(client_id)
        done = LoyaltyEntry.objects.filter(kind=LoyaltyEntryKind.REDEEM, source=source, source_id=reference).first()
        if done is not None:
            return cents(-done.points * prog.point_value)
        if account.balance < points:
            raise NotEnoughPoints(_("Only %(balance)s points are available.") % {"balance": account.balance}, field="points")
        _move(account, kind=LoyaltyEntryKind.REDEEM, points=-points, source=source, source_id=reference,
              amount=cents(points * prog.point_value))
    return cents(points * prog.point_value)


def restore(*, reference: str, source: str = "checkout") -> int:
    """A redemption whose order was cancelled: its points come back (once)."""
    with transaction.atomic():
        spent = LoyaltyEntry.objects.filter(kind=LoyaltyEntryKind.REDEEM, source=source, source_id=reference).first()
        if spent is None:
            return 0
        entry = _move(_account(spent.account_id), kind=LoyaltyEntryKind.RESTORE, points=-spent.points, source=source,
                      source_id=reference, amount=spent.amount)
    return entry.points if entry else 0


@dataclass(frozen=True)
class Balance:
    client_id: uuid.UUID
    points: int
    earned_total: int
    tier: str
    value: Decimal
    next_tier: str
    points_to_next_tier: int


def tier_for(earned_total: int) -> tuple[str, str, int]:
    tiers = list(LoyaltyTier.objects.order_by("threshold"))
    current = ""
    for t in tiers:
        if earned_total >= t.threshold:
            current = t.name
        else:
            return current, t.name, t.threshold - earned_total
    return current, "", 0


def balance(*, client_id: uuid.UUID) -> Balance:
    account = LoyaltyAccount.objects.filter(pk=client_id).first()
    points, earned = (account.balance, account.earned_total) if account else (0, 0)
    tier, next_tier, missing = tier_for(earned)
    return Balance(client_id=client_id, points=points, earned_total=earned, tier=tier,
                   value=cents(points * program().point_value), next_tier=next_tier, points_to_next_tier=missing)


def points(*, client_id: uuid.UUID) -> int:
    """The balance alone (one query): the customer's profile asks it through the kernel hook."""
    return LoyaltyAccount.objects.filter(pk=client_id).values_list("balance", flat=True).first() or 0


def ledger_sum(*, client_id: uuid.UUID) -> int:
    return LoyaltyEntry.objects.filter(account_id=client_id).aggregate(s=Sum("points"))["s"] or 0
