"""The postal provider (a Maileva-like API): a PDF and an address block are submitted as a
sending (simple, registered, registered with acknowledgement of receipt); the provider prints
and posts it; its status is polled (submitted, printed, posted, delivered, returned) and, once
delivered, the proof of delivery is a PDF. Bearer token; every call behind the provider's
breaker."""
from __future__ import annotations

import base64
import dataclasses
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings

from contexts.logistics.gateways import breaker
from contexts.logistics.gateways.carriers import CarrierRefused as Refused, CarrierUnavailable as Unavailable

BREAKER = "postal"
STATUSES = {"submitted", "printed", "posted", "delivered", "returned"}


@dataclasses.dataclass(frozen=True)
class Sending:
    reference: str
    status: str
    cost: Decimal | None


def _cost(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None
    except (InvalidOperation, ValueError):
        return None


class PostalGateway:
    def __init__(self, *, api_base: str | None = None, token: str | None = None, timeout: float | None = None):
        self.base = (api_base or settings.POSTAL_API_BASE).rstrip("/")
        self.token = token if token is not None else settings.POSTAL_API_TOKEN
        self.timeout = timeout or settings.LOGISTICS_HTTP_TIMEOUT_SECONDS

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        def send() -> requests.Response:
            try:
                response = requests.request(method, self.base + path, timeout=self.timeout,
                                            headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
            except requests.RequestException as exc:
                raise Unavailable(f"postal provider unreachable: {exc.__class__.__name__}") from exc
            if response.status_code >= 500 or response.status_code == 429:
                raise Unavailable(f"postal provider answered {response.status_code}")
            return response

        try:
            response = breaker.breaker(BREAKER, exclude=(Refused,)).call(send)
        except breaker.Open as exc:
            raise Unavailable("circuit open for the postal provider") from exc
        if response.status_code >= 400:
            raise Refused(f"postal provider refused the sending ({response.status_code}): {response.text[:150]}")
        return response

    def submit(self, *, reference: str, kind: str, address_lines: list[str], pdf: bytes) -> Sending:
        """`reference` is ours: submitting it again returns the same sending (a retried task)."""
        data = self._call("POST", "/v1/sendings", json={
            "custom_id": reference, "postage_type": kind, "address_lines": address_lines,
            "document": base64.b64encode(pdf).decode(),
        }).json()
        return self._sending(data)

    def status(self, *, reference: str) -> Sending:
        return self._sending(self._call("GET", f"/v1/sendings/{reference}").json())

    def proof(self, *, reference: str) -> bytes:
        pdf = self._call("GET", f"/v1/sendings/{reference}/proof").content
        if not pdf.startswith(b"%PDF"):
            raise Unavailable("the proof of delivery is not a PDF")
        return pdf

    @staticmethod
    def _sending(data) -> Sending:
        if not isinstance(data, dict) or not data.get("id") or data.get("status") not in STATUSES:
            raise Unavailable("postal provider answered without a sending")
        return Sending(reference=str(data["id"])[:60], status=data["status"], cost=_cost(data.get("cost")))
