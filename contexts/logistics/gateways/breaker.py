"""The breakers of logistics' providers (carriers, the postal provider): the kernel's
(crm.breaker, state in Redis) with LOGISTICS_BREAKER_FAIL_MAX and LOGISTICS_BREAKER_RESET_SECONDS."""
from __future__ import annotations

from django.conf import settings

from crm import breaker as kernel
from crm.breaker import Open, reset, state  # noqa: F401  (the callers' names)


def breaker(name: str, *, exclude: tuple[type[BaseException], ...] = ()):
    return kernel.breaker(name, fail_max=settings.LOGISTICS_BREAKER_FAIL_MAX,
                          reset_timeout=settings.LOGISTICS_BREAKER_RESET_SECONDS, exclude=exclude)
