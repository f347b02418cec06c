"""The secrets a deployment must set. Outside development (DJANGO_DEBUG off) every process
(gunicorn, Celery worker and beat, manage.py) refuses to start while one is missing or is a
value this repository ships: anyone could sign a JWT or a webhook with it.

Plain Python (no Django): settings.py calls `problems()` and raises ImproperlyConfigured."""
from __future__ import annotations

import base64
import binascii
from typing import Mapping

# Values that were ever defaults in this repository, or are used to build the image.
KNOWN_DEFAULTS = {
    "dev-insecure-secret-key-change-me-in-production",
    "build-only",
    "whsec_comptoir_dev",
    "sk_test_comptoir",
    "changeme",
    "secret",
}
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me-in-production"
DEV_WEBHOOK_SECRET = "whsec_comptoir_dev"
DEV_STRIPE_KEY = "sk_test_comptoir"
MIN_LENGTH = 32


def _weak(value: str) -> bool:
    return not value or value in KNOWN_DEFAULTS or value.startswith("dev-insecure")


def _fernet_key(value: str) -> bool:
    """A Fernet key: urlsafe base64 of 32 bytes (44 characters)."""
    try:
        return len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32
    except (binascii.Error, ValueError):
        return False


def problems(env: Mapping[str, str]) -> list[str]:
    """What is wrong with the secrets of a production process (DJANGO_DEBUG off), as sentences
    naming the variable; empty when everything is set."""
    out = []
    secret_key = env.get("DJANGO_SECRET_KEY", "")
    if _weak(secret_key):
        out.append("DJANGO_SECRET_KEY is missing or a default of this repository")
    elif len(secret_key) < MIN_LENGTH:
        out.append(f"DJANGO_SECRET_KEY is shorter than {MIN_LENGTH} characters")
    jwt_key = env.get("JWT_SIGNING_KEY", "")
    if _weak(jwt_key):
        out.append("JWT_SIGNING_KEY is missing or a default of this repository (it signs the API's tokens)")
    elif len(jwt_key) < MIN_LENGTH:
        out.append(f"JWT_SIGNING_KEY is shorter than {MIN_LENGTH} characters")
    elif jwt_key == secret_key:
        out.append("JWT_SIGNING_KEY must differ from DJANGO_SECRET_KEY")
    webhook = env.get("STRIPE_WEBHOOK_SECRET", "")
    if _weak(webhook) or not webhook.startswith("whsec_"):
        out.append("STRIPE_WEBHOOK_SECRET is missing or a default of this repository (the whsec_... of the webhook endpoint)")
    stripe_key = env.get("STRIPE_SECRET_KEY", "")
    allow_test = env.get("STRIPE_ALLOW_TEST_KEY", "").strip().lower() in {"1", "true", "yes", "on"}
    if _weak(stripe_key) or not stripe_key.startswith(("sk_", "rk_")):
        out.append("STRIPE_SECRET_KEY is missing or a default of this repository")
    elif stripe_key.startswith(("sk_test_", "rk_test_")) and not allow_test:
        out.append("STRIPE_SECRET_KEY is a test key (set STRIPE_ALLOW_TEST_KEY=1 on a staging deployment)")
    if env.get("STRIPE_API_BASE") and not allow_test:
        out.append("STRIPE_API_BASE points the card processor at a fake (allowed with STRIPE_ALLOW_TEST_KEY=1 only)")
    # Without it the till's journal is signed with a key derived from DJANGO_SECRET_KEY: rotating
    # that key would make every earlier signature fail the integrity check.
    journal = env.get("POS_JOURNAL_SECRET", "")
    if _weak(journal):
        out.append("POS_JOURNAL_SECRET is missing or a default of this repository (it signs the till's fiscal journal; "
                   "a deployment whose till already ran without it sets it to its current DJANGO_SECRET_KEY)")
    elif len(journal) < MIN_LENGTH:
        out.append(f"POS_JOURNAL_SECRET is shorter than {MIN_LENGTH} characters")
    # Without it the WooCommerce credentials are encrypted with a key derived from DJANGO_SECRET_KEY.
    fernet = [k.strip() for k in env.get("WOOCOMMERCE_FERNET_KEY", "").split(",") if k.strip()]
    if not fernet:
        out.append("WOOCOMMERCE_FERNET_KEY is missing (it encrypts the shops' WooCommerce credentials; "
                   "generate one with `python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"`)")
    elif not all(_fernet_key(k) for k in fernet) or any(k in KNOWN_DEFAULTS for k in fernet):
        out.append("WOOCOMMERCE_FERNET_KEY is not a list of Fernet keys (urlsafe base64 of 32 bytes, comma-separated)")
    return out
