"""Request ids and tenant in every log line, in the web process and in Celery tasks."""
from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.db import connection
from django.utils.deprecation import MiddlewareMixin

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-ID"


def current_request_id() -> str:
    return request_id_var.get()


def current_tenant() -> str:
    return getattr(connection, "schema_name", None) or "-"


class LogContextFilter(logging.Filter):
    """Adds request_id and tenant to every record (JSON formatter prints them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            rid = current_request_id()
            if rid == "-":  # django.request logs after the middleware returned: ask the request
                rid = getattr(getattr(record, "request", None), "request_id", "-")
            record.request_id = rid
        if not hasattr(record, "tenant"):
            try:
                record.tenant = current_tenant()
            except Exception:  # connection not usable (e.g. during shutdown)
                record.tenant = "-"
        return True


class RequestIdMiddleware:
    """Takes X-Request-ID from the caller when it is sane, else makes one; echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response


class TenantLogContextMiddleware(MiddlewareMixin):
    """Logs one line per request with its tenant, status and timing."""

    logger = logging.getLogger("comptoir.request")

    def process_response(self, request, response):
        self.logger.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"status": response.status_code, "path": request.path},
        )
        return response


def connect_celery_signals() -> None:
    """The request id follows a task: put in headers when sent, restored when run."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    def _publish(headers=None, **kwargs):
        if headers is not None and "request_id" not in headers:
            headers["request_id"] = current_request_id()

    def _prerun(task=None, **kwargs):
        if task is None:
            return
        rid = getattr(task.request, "request_id", None) or (task.request.headers or {}).get("request_id")
        # On the request, not the task object: a threaded worker shares task objects.
        task.request.comptoir_rid_token = request_id_var.set(rid or uuid.uuid4().hex)

    def _postrun(task=None, **kwargs):
        token = getattr(task.request, "comptoir_rid_token", None) if task is not None else None
        if token is not None:
            try:
                request_id_var.reset(token)
            except ValueError:
                request_id_var.set("-")

    before_task_publish.connect(_publish, weak=False, dispatch_uid="comptoir_rid_publish")
    task_prerun.connect(_prerun, weak=False, dispatch_uid="comptoir_rid_prerun")
    task_postrun.connect(_postrun, weak=False, dispatch_uid="comptoir_rid_postrun")
