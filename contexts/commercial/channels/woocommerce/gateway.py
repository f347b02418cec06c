"""The only module that talks to a WooCommerce shop (REST API v3, /wp-json/wc/v3/...).

- Authentication: HTTP basic auth with the consumer key and secret over HTTPS; over plain HTTP
  (a shop on loopback, the tests) the key and secret go as `consumer_key`/`consumer_secret`
  query parameters, which WooCommerce accepts as well.
- Pagination: `page`/`per_page`, the number of pages from the `X-WP-TotalPages` header.
- Rate limit per tenant (WOOCOMMERCE_REQUESTS_PER_SECOND, counted in Redis, so several workers
  syncing the same tenant share it); a 429 is honoured: its Retry-After is slept (capped), then
  the request is sent again, a few times.
- Every request goes through the shop's breaker: a shop that does not answer (timeout, 5xx,
  connection refused) counts as down; one that refuses (4xx: bad credentials) does not.
Never called with a transaction open (sync.py fetches, then applies)."""
from __future__ import annotations

import email.utils
import time
from typing import Iterator
from urllib.parse import urlsplit

import redis
import requests
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from contexts.commercial.channels.woocommerce import breaker

API_PREFIX = "/wp-json/wc/v3"
MAX_429_RETRIES = 3
sleep = time.sleep  # tests replace it


class WooError(Exception):
    pass


class WooUnavailable(WooError):
    """No answer, a 5xx, too many 429: try again later."""


class WooRefused(WooError):
    """The shop refused the request (4xx, bad credentials): trying again will not help."""


def _retry_after(value: str | None) -> float:
    if not value:
        return 1.0
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else 1.0


def _throttle(tenant: str) -> None:
    """At most WOOCOMMERCE_REQUESTS_PER_SECOND requests per second for this tenant."""
    limit = settings.WOOCOMMERCE_REQUESTS_PER_SECOND
    if limit <= 0:
        return
    client = redis.Redis.from_url(settings.REDIS_URL)
    while True:
        now = time.time()
        window = int(now)
        key = f"comptoir:woo:rate:{tenant}:{window}"
        count = client.incr(key)
        if count == 1:
            client.expire(key, 5)
        if count <= limit:
            return
        sleep(window + 1 - now)


class WooClient:
    def __init__(self, *, store_url: str, consumer_key: str, consumer_secret: str, tenant: str | None = None,
                 timeout: float | None = None):
        self.base = store_url.rstrip("/") + API_PREFIX
        self.https = urlsplit(store_url).scheme == "https"
        self.key, self.secret = consumer_key, consumer_secret
        self.tenant = tenant or connection.schema_name
        self.timeout = timeout or settings.WOOCOMMERCE_HTTP_TIMEOUT_SECONDS
        self.breaker_name = f"woocommerce:{self.tenant}:{urlsplit(store_url).netloc}"
        self.requests_sent = 0

    def _send(self, method: str, path: str, *, params: dict | None = None, json=None) -> requests.Response:
        params = dict(params or {})
        auth = None
        if self.https:
            auth = (self.key, self.secret)
        else:
            params.update(consumer_key=self.key, consumer_secret=self.secret)

        def send() -> requests.Response:
            for attempt in range(MAX_429_RETRIES + 1):
                _throttle(self.tenant)
                self.requests_sent += 1
                try:
                    response = requests.request(method, self.base + path, params=params, json=json, auth=auth,
                                                timeout=self.timeout, headers={"Accept": "application/json"})
                except requests.RequestException as exc:
                    raise WooUnavailable(_("The WooCommerce shop cannot be reached (%(error)s).")
                                         % {"error": exc.__class__.__name__}) from exc
                if response.status_code == 429 and attempt < MAX_429_RETRIES:
                    sleep(min(_retry_after(response.headers.get("Retry-After")), settings.WOOCOMMERCE_MAX_RETRY_AFTER_SECONDS))
                    continue
                if response.status_code >= 500 or response.status_code == 429:
                    raise WooUnavailable(_("The WooCommerce shop answered %(code)s.") % {"code": response.status_code})
                return response
            raise AssertionError("unreachable")

        try:
            response = breaker.breaker(self.breaker_name, exclude=(WooRefused,)).call(send)
        except breaker.Open as exc:
            raise WooUnavailable(_("The WooCommerce shop failed too often: calls are paused for a while.")) from exc
        if response.status_code in (401, 403):
            raise WooRefused(_("WooCommerce refused the consumer key and secret (%(code)s): %(message)s")
                             % {"code": response.status_code, "message": _message(response)})
        if response.status_code >= 400:
            raise WooRefused(_("WooCommerce refused the request %(path)s (%(code)s): %(message)s")
                             % {"path": path, "code": response.status_code, "message": _message(response)})
        return response

    def pages(self, path: str, *, params: dict | None = None) -> Iterator[list[dict]]:
        """Each page of a collection, in order (one request per page)."""
        page, total = 1, 1
        while page <= total:
            response = self._send("GET", path, params={**(params or {}), "page": page,
                                                       "per_page": settings.WOOCOMMERCE_PER_PAGE})
            try:
                items = response.json()
            except ValueError as exc:
                raise WooUnavailable(_("The WooCommerce shop answered something that is not JSON.")) from exc
            if not isinstance(items, list):
                raise WooRefused(_("WooCommerce answered %(path)s with something that is not a list.") % {"path": path})
            try:
                total = int(response.headers.get("X-WP-TotalPages") or 1)
            except ValueError:
                total = 1
            yield items
            page += 1

    def all(self, path: str, *, params: dict | None = None) -> list[dict]:
        return [item for page in self.pages(path, params=params) for item in page]

    def update_stock(self, *, product_id: int, variation_id: int | None, quantity: int) -> None:
        path = f"/products/{product_id}/variations/{variation_id}" if variation_id else f"/products/{product_id}"
        self._send("PUT", path, json={"manage_stock": True, "stock_quantity": int(quantity)})


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
        if isinstance(data, dict) and data.get("message"):
            return str(data["message"])[:200]
    except ValueError:
        pass
    return response.reason or ""
