"""The shop's circuit breaker: the kernel's (crm.breaker, state in Redis so every worker sees it)
with WOOCOMMERCE_BREAKER_FAIL_MAX failures in a row (timeouts, 5xx, connection refused) and
WOOCOMMERCE_BREAKER_RESET_SECONDS open."""
from __future__ import annotations

from django.conf import settings

from crm import breaker as kernel
from crm.breaker import Open, reset, state  # noqa: F401  (the callers' names)


def breaker(name: str, *, exclude: tuple[type[BaseException], ...] = ()):
    return kernel.breaker(name, fail_max=settings.WOOCOMMERCE_BREAKER_FAIL_MAX,
                          reset_timeout=settings.WOOCOMMERCE_BREAKER_RESET_SECONDS, exclude=exclude)
