"""CSV exports of clients, products, orders, invoices and payments, from the API and from the
admin (the rows the list's filters show), streamed: 100,000 rows do not fill memory."""
from __future__ import annotations

import csv
import io
import tracemalloc

import pytest
from django.test import Client as HttpClient

from contexts.core.models import Client
from tests.factories.core import StaffFactory
from tests.factories.finance import issued_invoice

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_100000_clients_are_streamed_without_filling_memory(staff_api):
    Client.objects.bulk_create([Client(kind="person", first_name="Léa", last_name=f"Martin{i:06d}",
                                       email=f"lea{i}@exemple.fr", city="Nantes") for i in range(100_000)], batch_size=10_000)
    response = staff_api.get("/api/v1/exports/clients")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")

    tracemalloc.start()
    lines, size, head = 0, 0, b""
    for chunk in response.streaming_content:
        size += len(chunk)
        if len(head) < 1000:
            head += chunk[:1000]
        lines += chunk.count(b"\n")
    first = head.decode("utf-8-sig", errors="ignore").splitlines()[:2]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert lines == 100_001  # header + rows
    assert first[0].startswith("id,kind,first_name,last_name")
    assert ",person,Léa,Martin000000," in first[1]
    assert size > 8_000_000 and peak < 8_000_000  # the whole file is larger than what was ever held


def test_every_export_over_the_api_with_a_date_filter_and_clear_errors(staff_api, seller):
    invoice = issued_invoice()
    body = _body(staff_api.get("/api/v1/exports/invoices"))
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["id", "number", "kind"] and rows[1][1] == invoice.number and rows[1][12] == str(invoice.total_gross)
    for kind in ("clients", "products", "orders", "payments"):
        r = staff_api.get(f"/api/v1/exports/{kind}?created_from=2026-01-01&created_to=2026-12-31")
        assert r.status_code == 200, kind
        _body(r)
    assert len(list(csv.reader(io.StringIO(_body(staff_api.get("/api/v1/exports/invoices?created_to=2000-01-01")))))) == 1
    bad = staff_api.get("/api/v1/exports/invoices?created_from=hier")
    assert bad.status_code == 400 and "created_from" in str(bad.json())
    assert staff_api.get("/api/v1/exports/secrets").status_code == 404


def test_an_export_needs_the_view_permission_of_what_it_exports(api, tenant):
    viewer_without_finance = StaffFactory(role="sales")  # sales: core and commercial, no finance
    api.force_authenticate(viewer_without_finance)
    assert api.get("/api/v1/exports/invoices").status_code == 403
    assert api.get("/api/v1/exports/clients").status_code == 200
    api.force_authenticate(None)
    assert api.get("/api/v1/exports/clients").status_code in (401, 403)


def test_the_admin_exports_the_rows_its_filter_shows(staff_user):
    from tests.factories.core import CompanyClientFactory, PersonClientFactory

    PersonClientFactory.create_batch(3)
    companies = CompanyClientFactory.create_batch(2)
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(staff_user)
    response = browser.post("/admin/core/client/?kind__exact=company",
                            {"action": "export_csv", "select_across": "1", "index": "0",
                             "_selected_action": [str(companies[0].pk)]})
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {"company"}
