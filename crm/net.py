"""The client's address, as far as it can be trusted.

`X-Forwarded-For` is read only when the connection comes from a configured trusted proxy
(`TRUSTED_PROXIES`, env `COMPTOIR_TRUSTED_PROXIES`: addresses or networks, comma-separated):
walking it from the right, the first address that is not a trusted proxy is the client. Anyone
else's header is ignored (a client cannot pick its own address by sending one)."""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()))))


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a forged, unparsable hop: the proxy is all we know
    return remote
