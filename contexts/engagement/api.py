"""The published interface of engagement: the only module other contexts may import (with events.py).

Engagement is the top layer: no other context imports it (import-linter's layers). It is here
for config, scripts and the demo; lower contexts reach loyalty through crm.hooks (README).
Functions take keyword arguments and return plain values or frozen dataclasses."""
from __future__ import annotations

import uuid
from decimal import Decimal

from contexts.engagement.data import Health, LoyaltyBalance, TimelineItem
from django.utils.translation import gettext as _

from crm.rest.errors import InvalidInput


def _uuid(value, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise InvalidInput(_("%(field)s is not a valid identifier.") % {"field": field}, field=field) from exc


def loyalty_balance(*, client_id) -> LoyaltyBalance:
    from contexts.engagement.services import loyalty

    b = loyalty.balance(client_id=_uuid(client_id, "client_id"))
    return LoyaltyBalance(client_id=b.client_id, points=b.points, earned_total=b.earned_total, tier=b.tier, value=b.value,
                          next_tier=b.next_tier, points_to_next_tier=b.points_to_next_tier)


def redeem_points(*, client_id, points: int, reference: str, source: str = "checkout") -> Decimal:
    """Spends points for a discount in euros; the same reference redeems once."""
    from contexts.engagement.services import loyalty

    return loyalty.redeem(client_id=_uuid(client_id, "client_id"), points=points, reference=reference, source=source)


def restore_points(*, reference: str, source: str = "checkout") -> int:
    from contexts.engagement.services import loyalty

    return loyalty.restore(reference=reference, source=source)


def client_timeline(*, client_id, limit: int = 50) -> list[TimelineItem]:
    from contexts.engagement import selectors

    return [TimelineItem(occurred_at=e.occurred_at, source=e.source, kind=e.kind, title=e.title, amount=e.amount,
                         reference_id=e.reference_id)
            for e in selectors.timeline(client_id=_uuid(client_id, "client_id"))[:max(1, min(int(limit), 500))]]


def client_health(*, client_id) -> Health | None:
    from contexts.engagement import selectors

    row = selectors.health(client_id=_uuid(client_id, "client_id"))
    if row is None:
        return None
    return Health(client_id=row.client_id, score=row.score, reasons=tuple(selectors.top_reasons(row)), computed_on=row.computed_on)


def notify_staff(*, kind: str, title: str, body: str = "", link: str = "", user_id: int | None = None,
                 dedup_key: str | None = None) -> None:
    """An in-app notification in the back office (report ready, dunning notice due...)."""
    from contexts.engagement.services import notifications

    notifications.notify_staff(kind=kind, title=title, body=body, link=link, user_id=user_id, dedup_key=dedup_key)


def send_email(*, kind: str, to: str, template: str, context: dict, client_id=None, related_id=None,
               marketing: bool = False) -> uuid.UUID:
    """A templated e-mail (templates/engagement/email/<template>.subject.txt, .txt, .html),
    recorded with its status; a marketing one only with the client's consent."""
    from contexts.engagement.models import Purpose
    from contexts.engagement.services import notifications

    note = notifications.send_email(kind=kind, to=to, template=template, context=context, client_id=client_id,
                                    related_id=related_id, purpose=Purpose.MARKETING if marketing else Purpose.TRANSACTIONAL)
    return note.id
