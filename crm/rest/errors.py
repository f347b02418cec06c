"""API errors are JSON with a stable code and field details; bad input is a 4xx, never a 500.

    {"error": {"code": "validation_error", "message": "...", "fields": {"quantity": ["..."]}}}
"""
from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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
        return Response(_body("validation_error", "Invalid input.", fields), status=400)
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error turned into 409: %s", exc)
        return Response(_body("conflict", "The change conflicts with existing data."), status=409)
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
        response.data = _body(code, "Invalid input.", detail)
    else:
        response.data = _body(code, str(exc.detail) if not isinstance(exc.detail, (list, dict)) else str(exc.detail))
    return response


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
            return HttpResponse(f"<h1>{escape(exc.message)}{field}</h1><p><a href='javascript:history.back()'>Back</a></p>",
                                status=exc.status_code)
        return None
