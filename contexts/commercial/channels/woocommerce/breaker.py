"""The shop's circuit breaker (pybreaker), its state in Redis so every worker sees it: after
WOOCOMMERCE_BREAKER_FAIL_MAX failures in a row (timeouts, 5xx, connection refused) calls fail at
once for WOOCOMMERCE_BREAKER_RESET_SECONDS, then one trial call closes or reopens it. The same
pattern as contexts/logistics/gateways/breaker.py (a context does not import another's gateways)."""
from __future__ import annotations

import threading

import pybreaker
import redis
from django.conf import settings

_lock = threading.Lock()
_breakers: dict[str, pybreaker.CircuitBreaker] = {}

Open = pybreaker.CircuitBreakerError


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def _key(name: str) -> str:
    return f"comptoir:breaker:{name}"


def breaker(name: str, *, exclude: tuple[type[BaseException], ...] = ()) -> pybreaker.CircuitBreaker:
    with _lock:
        found = _breakers.get(name)
        if found is None:
            storage = pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, _redis(), namespace=_key(name))
            found = pybreaker.CircuitBreaker(fail_max=settings.WOOCOMMERCE_BREAKER_FAIL_MAX,
                                             reset_timeout=settings.WOOCOMMERCE_BREAKER_RESET_SECONDS,
                                             exclude=list(exclude), state_storage=storage, name=name)
            _breakers[name] = found
        return found


def state(name: str) -> str:
    raw = _redis().get(f"{_key(name)}:pybreaker:state")
    return raw.decode() if raw else pybreaker.STATE_CLOSED


def reset(name: str) -> None:
    client = _redis()
    for key in client.scan_iter(f"{_key(name)}:pybreaker:*"):
        client.delete(key)
    with _lock:
        _breakers.pop(name, None)
