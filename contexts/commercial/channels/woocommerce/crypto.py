"""The shop's consumer key and secret, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256,
cryptography). The key is settings.WOOCOMMERCE_FERNET_KEY; unset (development), one derived
from SECRET_KEY. Several keys, comma-separated, rotate: the first encrypts, any decrypts."""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableSecret(Exception):
    """Stored with a key that is not configured any more."""


def _fernet() -> MultiFernet:
    raw = [k.strip() for k in (settings.WOOCOMMERCE_FERNET_KEY or "").split(",") if k.strip()]
    if not raw:
        derived = hashlib.sha256(f"comptoir-woocommerce:{settings.SECRET_KEY}".encode()).digest()
        raw = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(k.encode()) for k in raw])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise UnreadableSecret("the WooCommerce credentials were encrypted with another key") from exc
