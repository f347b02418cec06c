"""The only module of webhooks that talks to the outside: one POST to a tenant's endpoint.

SSRF guard: the host is resolved and EVERY address it resolves to must be public (not private,
loopback, link-local, multicast, reserved, unspecified, shared or site-local), unless
settings.WEBHOOKS_ALLOW_PRIVATE (development, tests). The request then goes to the address that
was checked (the connection is pinned to it: a DNS answer that changes between the check and
the connection cannot point us elsewhere), with the host name in Host and in TLS (SNI and
certificate check). Redirects are never followed (a 3xx is a failed attempt). Short connect and
read timeouts: a slow endpoint never holds a worker."""
from __future__ import annotations

import dataclasses
import ipaddress
import socket
import time
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _


class Refused(Exception):
    """The URL may not be called (a private address, a bad scheme, a name that does not resolve)."""


@dataclasses.dataclass(frozen=True)
class Response:
    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    shared = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not global, not "private"
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified or ip in shared
                                 or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local))


def resolve(url: str) -> tuple[str, str, int, list[str]]:
    """(scheme, host, port, addresses) of a URL whose every address may be called; raises Refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("only http and https URLs with a host"))
    if parts.username or parts.password:
        raise Refused(_("no credentials in the URL"))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(_("the host does not resolve (%(error)s)") % {"error": exc})
    addresses = sorted({info[4][0] for info in infos})
    if not addresses:
        raise Refused(_("the host does not resolve (%(error)s)") % {"error": "-"})
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if not _is_public(ipaddress.ip_address(address.split("%", 1)[0])):
                raise Refused(_("%(host)s resolves to a non-public address (%(address)s)")
                              % {"host": parts.hostname, "address": address})
    return parts.scheme, parts.hostname, port, addresses


def check_url(url: str) -> None:
    """Raises Refused when a URL may not be registered."""
    resolve(url)


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Response:
    """POSTs without following redirects, to the checked address; never raises for the network."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port, addresses = resolve(url)
    except Refused as exc:
        return Response(None, took(), f"refused: {exc}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(connect=settings.WEBHOOKS_CONNECT_TIMEOUT, read=settings.WEBHOOKS_READ_TIMEOUT)
    default_port = 443 if scheme == "https" else 80
    all_headers = {"Host": host if port == default_port else f"{host}:{port}", **headers}
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(addresses[0], port, timeout=timeout, retries=False, maxsize=1,
                                           server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED")
    else:
        pool = urllib3.HTTPConnectionPool(addresses[0], port, timeout=timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen("POST", path, body=body, headers=all_headers, redirect=False,
                                preload_content=False, assert_same_host=False)
        response.read(64 * 1024, decode_content=False)  # enough to finish; the body itself is not kept
        response.release_conn()
        return Response(response.status, took(), "" if 200 <= response.status < 300 else f"HTTP {response.status}")
    except urllib3.exceptions.HTTPError as exc:
        return Response(None, took(), f"{exc.__class__.__name__}: {exc}"[:1000])
    except OSError as exc:
        return Response(None, took(), f"{exc.__class__.__name__}: {exc}"[:1000])
    finally:
        pool.close()
