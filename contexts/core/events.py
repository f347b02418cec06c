"""Events published by core: contracts (add fields, never rename). Plain Python only."""
from __future__ import annotations

import dataclasses
import uuid

from crm.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClientCreated(Event):
    name = "core.client.created.v1"
    client_id: uuid.UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClientErased(Event):
    """A person was erased (GDPR): every client record and shop account they had is pseudonymised.
    Ids only, never the personal data: subscribers drop or pseudonymise what they keep about them."""
    name = "core.client.erased.v1"
    request_id: uuid.UUID
    client_ids: tuple[str, ...] = ()
    customer_ids: tuple[str, ...] = ()
