"""Circuit breakers (pybreaker) whose state lives in Redis, so that every worker and web process
sees the same state: after `fail_max` failures in a row the breaker opens and calls fail at once
(no request sent) for `reset_timeout` seconds; then one trial call closes it again or reopens it.
One breaker per outside system (a carrier's API host, the postal provider, a WooCommerce shop, an
AI provider's host); each context passes its own settings."""
from __future__ import annotations

import threading

import pybreaker
import redis
from django.conf import settings

_lock = threading.Lock()
_breakers: dict[str, pybreaker.CircuitBreaker] = {}

Open = pybreaker.CircuitBreakerError


def _redis() -> redis.Redis:
    # No decode_responses: pybreaker's storage decodes bytes itself.
    return redis.Redis.from_url(settings.REDIS_URL)


def _key(name: str) -> str:
    return f"comptoir:breaker:{name}"


def breaker(name: str, *, fail_max: int, reset_timeout: float,
            exclude: tuple[type[BaseException], ...] = ()) -> pybreaker.CircuitBreaker:
    """The breaker called `name`, made at its first use with these thresholds."""
    with _lock:
        found = _breakers.get(name)
        if found is None:
            storage = pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, _redis(), namespace=_key(name))
            found = pybreaker.CircuitBreaker(fail_max=fail_max, reset_timeout=reset_timeout, exclude=list(exclude),
                                             state_storage=storage, name=name)
            _breakers[name] = found
        return found


def state(name: str) -> str:
    """closed, open or half-open, as every process sees it."""
    raw = _redis().get(f"{_key(name)}:pybreaker:state")
    return raw.decode() if raw else pybreaker.STATE_CLOSED


def reset(name: str) -> None:
    """Forgets a breaker's state (operations, tests); a name ending in `*` forgets every breaker
    whose name starts with what comes before it."""
    client = _redis()
    for key in client.scan_iter(f"{_key(name)}:pybreaker:*" if not name.endswith("*") else f"{_key(name)}"):
        client.delete(key)
    with _lock:
        for known in [n for n in _breakers if n == name or (name.endswith("*") and n.startswith(name[:-1]))]:
            _breakers.pop(known, None)
