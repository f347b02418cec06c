"""Access tokens revoked before they expire: a denylist of token ids (`jti`) in Redis, each entry
kept exactly as long as the token would still be valid (TTL = its remaining lifetime), so the list
prunes itself. Its own keys (`comptoir:revoked-jti:<schema>:<jti>`), outside the cache's key
space: an entry is never evicted as a cache entry could be.

    revoke(token)          # logout, erasure of a person, an administrator's action
    is_revoked(jti)        # checked by crm.rest.authentication on every request
"""
from __future__ import annotations

import time

import redis
from django.conf import settings

from crm import tenancy

_client: redis.Redis | None = None


def _redis() -> redis.Redis:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    return _client


def _key(jti: str, schema: str | None = None) -> str:
    return f"comptoir:revoked-jti:{schema or tenancy.current_schema()}:{jti}"


def revoke(token, *, now: float | None = None) -> bool:
    """Revokes a validated token (simplejwt Token, or a mapping with `jti` and `exp`) until it
    expires. Returns False when it had expired already (nothing to do)."""
    jti, exp = token.get("jti"), token.get("exp")
    if not jti or not exp:
        return False
    remaining = int(exp - (time.time() if now is None else now))
    if remaining <= 0:
        return False
    _redis().set(_key(str(jti)), b"1", ex=remaining + 1)
    return True


def is_revoked(jti: str | None) -> bool:
    return bool(jti) and _redis().exists(_key(str(jti))) == 1
