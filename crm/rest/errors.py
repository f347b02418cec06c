"""API errors are JSON with a stable code and field details; bad input is a 4xx, never a 500.

    {"error": {"code": "validation_error", "message": "...", "fields": {"quantity": ["..."]}}}
"""
from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.common import CommonMiddleware
from django.utils.deprecation import MiddlewareMixin
from django.utils.html import escape
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from django.views import defaults
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the command. Contexts subclass it with their own code.

    `field` names the input the caller must change, when there is one."""

    code = "domain_error"
    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND


class InvalidInput(DomainError):
    code = "validation_error"
    status_code = status.HTTP_400_BAD_REQUEST


# The code of each DRF exception, its subclasses included (simplejwt's InvalidToken is an
# authentication_failed): the first that matches.
_CODES = (
    (exceptions.ValidationError, "validation_error"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.Throttled, "throttled"),
    (exceptions.ParseError, "parse_error"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
)


def _codes_for(exc: exceptions.APIException) -> str:
    return next((code for kind, code in _CODES if isinstance(exc, kind)), getattr(exc, "default_code", "error"))


def _body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(_body(exc.code, exc.message, fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(_body("validation_error", _("Invalid input."), fields), status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response(_body("payload_too_large", _("The request body is too large.")), status=413)
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error turned into 409: %s", exc)
        return Response(_body("conflict", _("The change conflicts with existing data.")), status=409)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    code = _codes_for(exc)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = _body(code, _("Invalid input."), detail)
    else:
        response.data = _body(code, _message_of(exc.detail))
    return response


def _message_of(detail) -> str:
    """The human sentence of an exception's detail, never a Python repr: simplejwt nests it
    (`{"detail": ..., "code": ..., "messages": [...]}`), DRF may give a list."""
    if isinstance(detail, dict):
        inner = detail.get("detail") or next(iter(detail.values()), "")
        return _message_of(inner)
    if isinstance(detail, (list, tuple)):
        return _message_of(detail[0]) if detail else ""
    return str(detail)


class DomainErrorMiddleware(MiddlewareMixin):
    """Outside the API (admin, till screens), a business rule's refusal is a 4xx page naming
    the field, not a 500."""

    def process_exception(self, request, exc):
        if isinstance(exc, DomainError):
            field = f" ({escape(exc.field)})" if exc.field else ""
            return HttpResponse(f"<h1>{escape(exc.message)}{field}</h1><p><a href='javascript:history.back()'>Retour</a></p>",
                                status=exc.status_code)


# --- outside the views: unknown paths, bodies Django refuses, NUL bytes ----------------------

def _api_json(request, status_code: int, code: str, message: str) -> JsonResponse | None:
    """The error in the API's format under /api/; None elsewhere (Django's own page then)."""
    return JsonResponse(_body(code, message), status=status_code) if request.path.startswith("/api/") else None


def page_not_found(request, exception=None):
    """handler404: JSON under /api/ (a path no route matches is a 404 in the API's format)."""
    return _api_json(request, 404, "not_found", _("Not found.")) or defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE and other refused requests."""
    if isinstance(exception, RequestDataTooBig):
        answer = _api_json(request, 413, "payload_too_large", _("The request body is too large."))
    else:
        answer = _api_json(request, 400, "bad_request", _("Bad request."))
    return answer or defaults.bad_request(request, exception)


def server_error(request):
    """handler500: still JSON under /api/, with the request id to quote (the details are logged)."""
    return (_api_json(request, 500, "server_error", _("Internal error: quote the X-Request-ID to support."))
            or defaults.server_error(request))


class RejectNulBytesMiddleware(MiddlewareMixin):
    """A NUL byte in the path or the query string can reach no valid row (PostgreSQL text cannot
    hold one): a 400, instead of a database driver error."""

    def process_request(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in query or "%00" in query:
            return (_api_json(request, 400, "bad_request", _("The address contains a NUL byte."))
                    or HttpResponseBadRequest("The address contains a NUL byte."))


class ApiCommonMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, except that under /api/ a write to a path that exists only
    with a trailing slash (`POST /api/v1/auth/token`) gets a 404 in the API's format naming the
    right path. Django would answer a 301 that clients follow with a GET, the body lost (or, with
    DEBUG on, a 500 page). Reads are still redirected."""

    def process_response(self, request, response):
        if (response.status_code == 404 and request.path.startswith("/api/")
                and request.method not in ("GET", "HEAD") and self.should_redirect_with_slash(request)):
            path = f"{request.path}/"
            return JsonResponse(_body("not_found", _("No such path: this one ends with a slash, %(path)s.") % {"path": path}),
                                status=404)
        return super().process_response(request, response)
