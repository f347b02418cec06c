"""Health, readiness, metrics, request ids, JSON logs, OpenAPI."""
import json
import logging

from django.test import Client as HttpClient, override_settings

from crm.observability import LogContextFilter, request_id_var


def test_healthz_and_readyz_on_tenant_and_public_hosts(tenant):
    for host in ("alpha.testserver", "localhost"):
        browser = HttpClient(SERVER_NAME=host)
        assert browser.get("/healthz").json() == {"status": "ok"}
        ready = browser.get("/readyz")
        assert ready.status_code == 200, ready.content
        assert ready.json()["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok"}


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readyz_reports_redis_down_with_503(tenant):
    ready = HttpClient(SERVER_NAME="alpha.testserver").get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"].startswith("error:")
    assert body["checks"]["database"] == "ok"


def test_metrics_are_exported(tenant):
    response = HttpClient(SERVER_NAME="alpha.testserver").get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content


def test_request_id_is_echoed_or_made(tenant):
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    assert browser.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    made = browser.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert made != "<script>" and len(made) == 32


def test_log_lines_are_json_with_request_id_and_tenant(tenant):
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    conf = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(conf["fmt"], rename_fields=conf["rename_fields"])
    record = logging.LogRecord("comptoir.test", logging.INFO, __file__, 1, "stock counted", None, None)
    token = request_id_var.set("req-42")
    try:
        LogContextFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "stock counted"
    assert line["request_id"] == "req-42"
    assert line["tenant"] == "alpha"
    assert line["level"] == "INFO"


def test_openapi_schema_and_docs_per_tenant(tenant):
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    schema = browser.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    doc = schema.json()
    assert "/api/v1/clients/" in doc["paths"]
    assert browser.get("/api/docs/").status_code == 200
