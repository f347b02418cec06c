"""Events published by core: contracts (add fields, never rename). Plain Python only."""
from __future__ import annotations

import dataclasses
import uuid

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClientCreated(Event):
    name = "core.client.created.v1"
    client_id: uuid.UUID
