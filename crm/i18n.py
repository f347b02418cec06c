"""One language per request.

The API answers in the language the caller asks for with Accept-Language, among
settings.LANGUAGES (French by default, English on request); DRF's own messages, Django's and
ours (wrapped in gettext, French catalog in locale/fr) then all come in that one language. The
back office and the till are French whatever the browser says: their users are the tenant's
staff, and a half-translated admin is worse than a French one."""
from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIXES = ("/api/", "/webhooks/")


def api_language(accept_language: str) -> str:
    """The first supported language of an Accept-Language header, by preference; the default
    language when none is supported (`*`, unknown tags, an empty or malformed header)."""
    supported = {code for code, _name in settings.LANGUAGES}
    for tag, _quality in parse_accept_lang_header(accept_language or ""):
        if tag == "*":
            break
        primary = tag.split("-")[0].lower()
        if primary in supported:
            return primary
    return settings.LANGUAGE_CODE.split("-")[0]


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith(API_PREFIXES)
        language = api_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) if is_api else settings.LANGUAGE_CODE
        translation.activate(language)  # every request: a thread never keeps the previous one's
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if is_api:
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            patch_vary_headers(response, ("Accept-Language",))
        return response
