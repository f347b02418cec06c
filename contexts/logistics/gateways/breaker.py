"""Circuit breakers (pybreaker) whose state lives in Redis, so that every worker and web process
sees the same state: after `fail_max` failures in a row the breaker opens and calls fail at once
(no request sent) for `reset_timeout` seconds; then one trial call closes it again or reopens it."""
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


def breaker(name: str, *, exclude: tuple[type[BaseException], ...] = ()) -> pybreaker.CircuitBreaker:
    """The breaker of one outside system (a carrier's API host, the postal provider)."""
    with _lock:
        found = _breakers.get(name)
        if found is None:
            storage = pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, _redis(), namespace=_key(name))
            found = pybreaker.CircuitBreaker(fail_max=settings.LOGISTICS_BREAKER_FAIL_MAX,
                                             reset_timeout=settings.LOGISTICS_BREAKER_RESET_SECONDS,
                                             exclude=list(exclude), state_storage=storage, name=name)
            _breakers[name] = found
        return found


def state(name: str) -> str:
    """closed, open or half-open, as every process sees it."""
    raw = _redis().get(f"{_key(name)}:pybreaker:state")
    return raw.decode() if raw else pybreaker.STATE_CLOSED


def reset(name: str) -> None:
    """Forgets a breaker's state (operations, tests)."""
    client = _redis()
    for key in client.scan_iter(f"{_key(name)}:pybreaker:*"):
        client.delete(key)
    with _lock:
        _breakers.pop(name, None)
