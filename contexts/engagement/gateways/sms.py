"""SMS adapters, chosen by settings.SMS_BACKEND:

- "console" (development, tests): the message is written to the log and kept in `outbox`;
- "http": an HTTP provider, POST {to, from, text} as JSON to SMS_HTTP_URL with a bearer token
  (SMS_HTTP_TOKEN); the provider's JSON answer carries the message id (`id`).

Never called inside a transaction: the notification service sends after commit."""
from __future__ import annotations

import dataclasses
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider refused the message or did not answer."""


@dataclasses.dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    sender: str = ""


outbox: list[SmsMessage] = []  # what the console backend "sent" (read by tests)


class ConsoleBackend:
    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        logger.info("SMS to %s: %s", message.to, message.text)
        return f"console-{len(outbox)}"


class HttpBackend:
    def __init__(self, *, url: str, token: str, timeout: float = 10.0):
        if not url:
            raise SmsError("SMS_HTTP_URL is not set")
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, message: SmsMessage) -> str:
        import requests

        try:
            response = requests.post(self.url, json={"to": message.to, "from": message.sender, "text": message.text},
                                     headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsError(f"SMS provider unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise SmsError(f"SMS provider answered {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json().get("id", ""))
        except ValueError:
            return ""


def backend():
    kind = getattr(settings, "SMS_BACKEND", "console")
    if kind == "http":
        return HttpBackend(url=settings.SMS_HTTP_URL, token=settings.SMS_HTTP_TOKEN,
                           timeout=float(getattr(settings, "SMS_HTTP_TIMEOUT", 10)))
    return ConsoleBackend()


def send(*, to: str, text: str) -> str:
    return backend().send(SmsMessage(to=to, text=text, sender=getattr(settings, "SMS_SENDER", "")))
