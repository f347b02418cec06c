"""The only module of AI content that talks to the outside: a provider interface and its
OpenAI-compatible HTTP adapter (POST {base}/chat/completions, bearer key). Every call goes
through the circuit breaker of the provider's host, whose state lives in Redis (shared by every
worker): a provider that refuses a request (4xx other than 429) does not count as down, one
that does not answer (timeout, connection refused, 5xx, 429) does."""
from __future__ import annotations

import dataclasses
from typing import Protocol
from urllib.parse import urlsplit

import requests
from django.conf import settings

from crm import breaker as kernel_breaker


class ProviderError(Exception):
    pass


class ProviderUnavailable(ProviderError):
    """No answer, a 5xx or a 429, or the breaker is open: try again later."""


class ProviderRefused(ProviderError):
    """The provider refused the request (bad key, unknown model...): trying again will not help."""


@dataclasses.dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int
    tokens_out: int


class ContentProvider(Protocol):
    def complete(self, *, system: str, prompt: str, model: str, max_tokens: int) -> Completion: ...


def breaker_name(base_url: str) -> str:
    return f"ai:{urlsplit(base_url).netloc}"


def breaker(name: str):
    """The kernel's breaker (crm.breaker, state in Redis) with the AI settings' thresholds."""
    return kernel_breaker.breaker(name, fail_max=settings.CATALOG_AI_BREAKER_FAIL_MAX,
                                  reset_timeout=settings.CATALOG_AI_BREAKER_RESET_SECONDS, exclude=(ProviderRefused,))


breaker_state, reset_breaker = kernel_breaker.state, kernel_breaker.reset


class OpenAICompatibleProvider:
    def __init__(self, *, base_url: str, api_key: str = "", timeout: float | None = None):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.api_key = api_key
        self.timeout = timeout or settings.CATALOG_AI_HTTP_TIMEOUT_SECONDS
        self.breaker_name = breaker_name(base_url)

    def complete(self, *, system: str, prompt: str, model: str, max_tokens: int) -> Completion:
        body = {"model": model, "max_tokens": max_tokens, "temperature": 0.4,
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}]}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

        def send() -> requests.Response:
            try:
                response = requests.post(self.url, json=body, headers=headers, timeout=self.timeout, allow_redirects=False)
            except requests.RequestException as exc:
                raise ProviderUnavailable(f"provider unreachable: {exc.__class__.__name__}") from exc
            if response.status_code >= 500 or response.status_code == 429:
                raise ProviderUnavailable(f"provider answered {response.status_code}")
            if response.status_code >= 300:
                raise ProviderRefused(_message(response))
            return response

        try:
            response = breaker(self.breaker_name).call(send)
        except kernel_breaker.Open as exc:
            raise ProviderUnavailable(f"circuit open for {self.breaker_name}") from exc
        try:
            data = response.json()
            text = data["choices"][0]["message"]["content"]
            usage = data.get("usage") or {}
            tokens_in, tokens_out = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ProviderUnavailable("provider answered without a completion") from exc
        if not isinstance(text, str) or not text.strip():
            raise ProviderUnavailable("provider answered an empty text")
        return Completion(text=text.strip(), tokens_in=max(tokens_in, 0), tokens_out=max(tokens_out, 0))


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and error.get("message"):
            return f"provider refused the request ({response.status_code}): {str(error['message'])[:200]}"
    except ValueError:
        pass
    return f"provider refused the request ({response.status_code})"


def for_settings(row) -> ContentProvider:
    """The provider of the tenant's settings row (one kind today: OpenAI-compatible)."""
    return OpenAICompatibleProvider(base_url=row.base_url, api_key=row.api_key)
