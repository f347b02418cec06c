"""Carriers behind one interface: create a shipment and its label, cancel it, fetch its
tracking events. `SendcloudGateway` speaks a Sendcloud-like REST API (v2 parcels, labels,
tracking; HTTP basic auth with the account's public and secret keys). Every call goes through
the breaker of the carrier's API host: a carrier that refuses a request (4xx) does not count as
down, one that does not answer (timeout, 5xx, connection refused) does."""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
from decimal import Decimal
from typing import Protocol
from urllib.parse import urlsplit

import requests
from django.conf import settings

from contexts.logistics.gateways import breaker


class CarrierError(Exception):
    pass


class CarrierUnavailable(CarrierError):
    """No answer, or a 5xx: try again later."""


class CarrierRefused(CarrierError):
    """The carrier refused the request (4xx): trying again will not help."""


@dataclasses.dataclass(frozen=True)
class LabelRequest:
    reference: str  # our shipment id: the carrier's order number
    recipient_name: str
    address_line: str
    postal_code: str
    city: str
    country: str
    email: str
    service: str
    weight_grams: int
    parcels: int


@dataclasses.dataclass(frozen=True)
class Label:
    carrier_reference: str
    tracking_number: str
    pdf: bytes


@dataclasses.dataclass(frozen=True)
class TrackingUpdate:
    external_id: str  # the same event has the same id whether polled or pushed
    carrier_status: str
    status: str  # one of our shipment states, or "" when it moves nothing
    occurred_at: datetime.datetime
    description: str = ""


class CarrierGateway(Protocol):
    def create_label(self, *, request: LabelRequest) -> Label: ...

    def cancel(self, *, carrier_reference: str) -> None: ...

    def tracking(self, *, tracking_number: str) -> list[TrackingUpdate]: ...


# The carrier's parcel statuses and the shipment state each one means.
SENDCLOUD_STATUSES = {
    "announced": "",
    "en_route_to_sorting_center": "in_transit",
    "sorted": "in_transit",
    "in_transit": "in_transit",
    "out_for_delivery": "in_transit",
    "delivered": "delivered",
    "delivery_attempt_failed": "failed_delivery",
    "returned_to_sender": "returned",
}


def tracking_id(*, timestamp: int | str, status: str) -> str:
    return f"{timestamp}:{status}"[:100]


def _when(timestamp) -> datetime.datetime:
    try:
        return datetime.datetime.fromtimestamp(int(timestamp) / 1000, tz=datetime.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def parse_update(raw: dict) -> TrackingUpdate | None:
    """A tracking status as the carrier sends it (polled or pushed): {"timestamp", "status",
    "message"}; None when it is not one."""
    if not isinstance(raw, dict) or not isinstance(raw.get("status"), str) or raw.get("timestamp") is None:
        return None
    code = raw["status"][:60]
    message = raw.get("message") if isinstance(raw.get("message"), str) else ""
    return TrackingUpdate(external_id=tracking_id(timestamp=raw["timestamp"], status=code), carrier_status=code,
                          status=SENDCLOUD_STATUSES.get(code, ""), occurred_at=_when(raw["timestamp"]),
                          description=message[:200])


def verify_signature(*, body: bytes, signature: str, secret: str) -> bool:
    """A pushed update is signed: hex HMAC-SHA256 of the raw body with the webhook secret."""
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip())


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class SendcloudGateway:
    def __init__(self, *, api_base: str, api_key: str, api_secret: str, timeout: float | None = None):
        self.base = api_base.rstrip("/")
        self.auth = (api_key, api_secret)
        self.timeout = timeout or settings.LOGISTICS_HTTP_TIMEOUT_SECONDS
        self.breaker_name = f"carrier:{urlsplit(self.base).netloc}"

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        def send() -> requests.Response:
            try:
                response = requests.request(method, self.base + path, auth=self.auth, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                raise CarrierUnavailable(f"carrier unreachable: {exc.__class__.__name__}") from exc
            if response.status_code >= 500 or response.status_code == 429:
                raise CarrierUnavailable(f"carrier answered {response.status_code}")
            return response

        try:
            response = breaker.breaker(self.breaker_name, exclude=(CarrierRefused,)).call(send)
        except breaker.Open as exc:
            raise CarrierUnavailable(f"circuit open for {self.breaker_name}") from exc
        if response.status_code >= 400:
            raise CarrierRefused(_message(response))
        return response

    def create_label(self, *, request: LabelRequest) -> Label:
        weight_kg = (Decimal(request.weight_grams) / 1000).quantize(Decimal("0.001"))
        body = {"parcel": {
            "name": request.recipient_name, "address": request.address_line, "postal_code": request.postal_code,
            "city": request.city, "country": request.country, "email": request.email, "order_number": request.reference,
            "weight": str(weight_kg), "quantity": request.parcels, "request_label": True,
            "shipment": {"code": request.service},
        }}
        # The same order number twice returns the parcel made the first time (a retried task
        # after a lost answer does not buy two labels).
        parcel = self._call("POST", "/api/v2/parcels", json=body).json().get("parcel") or {}
        if not parcel.get("id") or not parcel.get("tracking_number"):
            raise CarrierUnavailable("carrier answered without a parcel")
        pdf = self._call("GET", f"/api/v2/labels/label_printer/{parcel['id']}").content
        if not pdf.startswith(b"%PDF"):
            raise CarrierUnavailable("the label is not a PDF")
        return Label(carrier_reference=str(parcel["id"]), tracking_number=str(parcel["tracking_number"])[:60], pdf=pdf)

    def cancel(self, *, carrier_reference: str) -> None:
        try:
            self._call("POST", f"/api/v2/parcels/{carrier_reference}/cancel")
        except CarrierRefused:
            pass  # already cancelled or unknown: nothing left to cancel

    def tracking(self, *, tracking_number: str) -> list[TrackingUpdate]:
        data = self._call("GET", f"/api/v2/tracking/{tracking_number}").json()
        updates = [parse_update(raw) for raw in (data.get("statuses") or []) if isinstance(data, dict)]
        return [u for u in updates if u is not None]


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:200]
    except ValueError:
        pass
    return f"carrier refused the request ({response.status_code})"


def for_carrier(carrier) -> CarrierGateway:
    """The gateway of a Carrier row (one kind today)."""
    return SendcloudGateway(api_base=carrier.api_base, api_key=carrier.api_key, api_secret=carrier.api_secret)
