"""API errors are JSON with a stable code and field details; bad input is a 4xx, never a 500.

    {"error": {"code": "validation_error", "message": "...", "fields": {"quantity": ["..."]}}}
"""
from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
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


def _codes_for(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "validation_error"
    if isinstance(exc, exceptions.NotAuthenticated):
        return "not_authenticated"
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "authentication_failed"
    if isinstance(exc, exceptions.PermissionDenied):
        return "permission_denied"
    if isinstance(exc, exceptions.NotFound):
        return "not_found"
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed"
    if isinstance(exc, exceptions.Throttled):
        return "throttled"
    if isinstance(exc, exceptions.ParseError):
        return "parse_error"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "unsupported_media_type"
    return getattr(exc, "default_code", "error")


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


class DomainErrorMiddleware:
    """Outside the API (admin, till screens), a business rule's refusal is a 4xx page naming
    the field, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if isinstance(exc, DomainError):
            from django.http import HttpResponse
            from django.utils.html import escape

            field = f" ({escape(exc.field)})" if exc.field else ""
            return HttpResponse(f"<h1>{escape(exc.message)}{field}</h1><p><a href='javascript:history.back()'>Retour</a></p>",
                                status=exc.status_code)
        return None


# --- outside the views: unknown paths, bodies Django refuses, NUL bytes ----------------------

def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json_or_default(request, status_code: int, code: str, message: str, default):
    if _is_api(request):
        from django.http import JsonResponse

        return JsonResponse(_body(code, message), status=status_code)
    return default


def page_not_found(request, exception=None):
    """handler404: JSON under /api/ (a path no route matches is a 404 in the API's format)."""
    from django.views import defaults

    return _json_or_default(request, 404, "not_found", _("Not found."),
                            None) or defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE and other refused requests."""
    from django.views import defaults

    if isinstance(exception, RequestDataTooBig):
        answer = _json_or_default(request, 413, "payload_too_large", _("The request body is too large."), None)
    else:
        answer = _json_or_default(request, 400, "bad_request", _("Bad request."), None)
    return answer or defaults.bad_request(request, exception)


def server_error(request):
    """handler500: still JSON under /api/, with the request id to quote (the details are logged)."""
    from django.views import defaults

    return _json_or_default(request, 500, "server_error", _("Internal error: quote the X-Request-ID to support."),
                            None) or defaults.server_error(request)


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string can reach no valid row (PostgreSQL text cannot
    hold one): a 400, instead of a database driver error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
                "QUERY_STRING", ""):
            from django.http import HttpResponseBadRequest

            return _json_or_default(request, 400, "bad_request", _("The address contains a NUL byte."),
                                    None) or HttpResponseBadRequest("The address contains a NUL byte.")
        return self.get_response(request)
