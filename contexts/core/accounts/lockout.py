"""Login lockout for staff (the admin and the token view) and shop customers."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from crm.net import client_address

# --- login lockout --------------------------------------------------------------------------------
# Failures are counted per (username, client address) pair: a guesser locks out only their own
# tries at that name, never the real user elsewhere, nor everyone behind the same address. An
# address with many failures over any names is slowed down (one try per LOGIN_SLOWDOWN_SECONDS),
# not blocked. Addresses come from crm.net.client_address (X-Forwarded-For only through trusted
# proxies); usernames are hashed into the keys, so a key's length is bounded whatever is typed.

def _name_hash(username: str) -> str:
    return hashlib.sha256((username or "").strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _address(request) -> str:
    return client_address(request) if request is not None else "-"


def _pair_key(username: str, request) -> str:
    return f"login-fail:pair:{_name_hash(username)}:{_address(request)}"


def _address_key(request) -> str:
    return f"login-fail:addr:{_address(request)}"


def is_locked(username: str, request=None) -> bool:
    return (cache.get(_pair_key(username, request)) or 0) >= settings.LOGIN_LOCKOUT_ATTEMPTS


def must_slow_down(request=None) -> bool:
    """An address past LOGIN_ADDRESS_FAILURES failures gets one try per LOGIN_SLOWDOWN_SECONDS.
    Asked once per request (the login view, then the backend, ask for the same try)."""
    if request is not None:
        if getattr(request, "_login_pace_checked", False):
            return False
        request._login_pace_checked = True
    if (cache.get(_address_key(request)) or 0) < settings.LOGIN_ADDRESS_FAILURES:
        return False
    return not cache.add(f"login-slow:{_address(request)}", 1, settings.LOGIN_SLOWDOWN_SECONDS)


def _count(key: str) -> None:
    if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def register_failure(username: str, request=None) -> None:
    _count(_pair_key(username, request))
    _count(_address_key(request))


def clear_failures(username: str, request=None) -> None:
    cache.delete(_pair_key(username, request))


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses a username with too many recent failures. The lock expires by
    itself (LOGIN_LOCKOUT_SECONDS after the first failure): an attacker cannot lock a real user
    out for good, only slow them for a while."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if is_locked(username or "", request) or must_slow_down(request):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            register_failure(username or "", request)
        else:
            clear_failures(username or "", request)
        return user

    @staticmethod
    def _username_field():
        return get_user_model().USERNAME_FIELD
