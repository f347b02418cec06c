"""Kernel hooks: a lower context asks, a higher one answers, neither imports the other.

Engagement sits above commercial and pos (they must not import it), yet checkout and the till
need engagement's answer (loyalty points redeemed as a discount). The higher context provides
a function under a name when it loads; the lower one calls the name:

    # contexts/engagement/apps.py (ready)
    hooks.provide("loyalty.redeem", loyalty.redeem_for_hook)
    # contexts/commercial/services/checkout.py
    discount = hooks.call("loyalty.redeem", client_id=..., points=..., reference=..., default=Decimal(0))

A name without a provider returns `default`, so a lower context works without the higher one."""
from __future__ import annotations

from typing import Any, Callable

_PROVIDERS: dict[str, Callable[..., Any]] = {}


def provide(name: str, fn: Callable[..., Any]) -> None:
    _PROVIDERS[name] = fn


def provided(name: str) -> bool:
    return name in _PROVIDERS


def call(name: str, *, default: Any = None, **kwargs: Any) -> Any:
    fn = _PROVIDERS.get(name)
    return default if fn is None else fn(**kwargs)


def call_all(prefix: str, **kwargs: Any) -> dict[str, Any]:
    """Every provider whose name starts with `prefix` (e.g. "gdpr.export."), called with the same
    arguments: {name: result}, in name order. For a question every context answers for its own
    part (a person's data for a GDPR export or erasure)."""
    return {name: _PROVIDERS[name](**kwargs) for name in sorted(_PROVIDERS) if name.startswith(prefix)}
