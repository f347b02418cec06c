"""API keys: `ck_<prefix>_<secret>`, the secret stored hashed; a key acts with its role's
permissions, never more than its creator's current ones."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from contexts.core.accounts.roles import permission_codes
from contexts.core.models import ApiKey
from crm.rest.principals import ApiKeyPrincipal

API_KEY_PREFIX = "ck"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_key() -> tuple[str, str, str]:
    """(full key shown once, prefix stored in clear, sha256 of the secret stored)."""
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    return f"{API_KEY_PREFIX}_{prefix}_{secret}", prefix, hash_secret(secret)


def _role_codes(role: str) -> frozenset:
    key = f"role-perms:v2:{role}"  # v2: API keys managed by owner and admin only
    codes = cache.get(key)
    if codes is None:
        codes = permission_codes(role)
        cache.set(key, codes, 300)
    return frozenset(codes)


def principal_for(raw: str) -> ApiKeyPrincipal:
    """The principal of a presented key; AuthenticationFailed (401) saying what is wrong."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        raise exceptions.AuthenticationFailed(_("Malformed API key."))
    key = ApiKey.objects.filter(prefix=parts[1]).select_related("created_by").first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(parts[2])):
        raise exceptions.AuthenticationFailed(_("Unknown API key."))
    if not key.is_active:
        raise exceptions.AuthenticationFailed(_("This API key was revoked."))
    if key.last_used_at is None or (timezone.now() - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    creator = key.created_by
    permissions = _role_codes(key.role)
    if creator is not None and not creator.is_superuser:
        permissions &= _role_codes(creator.role) if creator.is_active else frozenset()
    return ApiKeyPrincipal(id=str(key.pk), name=f"api-key:{key.name}", permissions=permissions)
