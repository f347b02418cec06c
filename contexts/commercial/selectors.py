"""Commercial reads for the views and the api."""
from __future__ import annotations

from contexts.commercial.models import Contract


def has_contracts() -> bool:
    return Contract.objects.exists()
