"""Signatures of outgoing webhooks, as Stripe signs its own:

    Comptoir-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

`verify_signature` is what a receiver runs (docs/webhooks.md shows the same in ten lines)."""
from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Comptoir-Signature"


def compute(*, body: bytes, secret: str, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(*, body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The header value for this body, now (or at `timestamp`)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={compute(body=body, secret=secret, timestamp=t)}"


def verify_signature(payload: bytes | str, header: str, secret: str, tolerance: int = 300,
                     *, now: float | None = None) -> bool:
    """True when `header` signs the raw `payload` with `secret` and its timestamp is within
    `tolerance` seconds of now (a replayed old request is refused). Any v1 may match (during a
    secret rotation several are sent)."""
    if isinstance(payload, str):
        payload = payload.encode()
    timestamp, candidates = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = compute(body=payload, secret=secret, timestamp=timestamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
