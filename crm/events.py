"""Event contracts: frozen dataclasses with a versioned dotted name, an id, a time and a JSON
payload of ids and values. Plain Python only (contexts' events.py modules import this)."""
from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, ClassVar


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str] = "kernel.event.v1"

    event_id: uuid.UUID = dataclasses.field(default_factory=uuid.uuid4)
    occurred_at: datetime = dataclasses.field(default_factory=_now)

    def payload(self) -> dict[str, Any]:
        """The fields of the event but its envelope, as JSON values."""
        return {
            f.name: _to_json(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in ("event_id", "occurred_at")
        }


def _to_json(value: Any) -> Any:
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    return value
