"""Reports API on a data set whose totals the test knows: web, contract and till sales, a till
return, a credit note; a custom XLSX report built by a real worker, read back cell by cell."""
import datetime as dt
import io
import uuid
from decimal import Decimal as D

import pytest
import time_machine

from contexts.engagement.reporting import reports
from contexts.engagement.reporting.models import ReportJob, ScheduledReport
from tests.contexts.engagement.reporting.helpers import TicketCompleted, TicketReturned, deliver_reporting, publish
from tests.contexts.engagement.reporting.test_read_model import MONDAY, _invoice, _no_pdf  # noqa: F401
from tests.factories import catalog as cat
from tests.factories.core import CompanyClientFactory

pytestmark = pytest.mark.dates
LAST_YEAR = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone.utc)


def _ticket(variant, total, when, shop):
    with time_machine.travel(when, tick=False):
        publish(TicketCompleted(ticket_id=uuid.uuid4(), register_id=uuid.uuid4(), location_id=shop, number=1, cashier_id=1,
                                customer_id=None, total=D(total), total_net=(D(total) / D("1.2")).quantize(D("0.01")),
                                total_vat=D(total) - (D(total) / D("1.2")).quantize(D("0.01")),
                                business_date=when.date().isoformat(),
                                items=({"variant_id": variant.id, "quantity": 1, "total": D(total)},)))


@pytest.fixture
def data(tenant, seller):
    """Monday 2 March 2026: a web invoice of 34.54 incl. VAT (2 x 10 + 9.99 net, 20 % and 5.5 %),
    a till ticket 60.00 and a return -30.00 at shop A, a ticket 12.00 at shop B; a till ticket
    of 100.00 on 3 March 2025 (last year)."""
    shop_a, shop_b = uuid.uuid4(), uuid.uuid4()
    scarf = cat.variant(name="Écharpe", price="60.00")
    hat = cat.variant(name="Bonnet", price="12.00")
    with time_machine.travel(MONDAY, tick=False):
        client = CompanyClientFactory(vat_number="FR40123456824", city="Lyon", postal_code="69003", address_line="1 rue")
        web = _invoice(client, scarf, order_id=uuid.uuid4())
    _ticket(scarf, "60.00", MONDAY, shop_a)
    _ticket(hat, "12.00", MONDAY, shop_b)
    _ticket(scarf, "100.00", LAST_YEAR, shop_a)
    with time_machine.travel(MONDAY, tick=False):
        publish(TicketReturned(ticket_id=uuid.uuid4(), original_ticket_id=None, register_id=uuid.uuid4(), location_id=shop_a,
                               number=3, kind="return", customer_id=None, total=D("-30.00"), refund_method="cash",
                               business_date="2026-03-02",
                               items=({"variant_id": scarf.id, "quantity": -1, "total": D("-30.00")},)))
    deliver_reporting()
    return {"web": web, "scarf": scarf, "hat": hat, "shop_a": shop_a, "shop_b": shop_b}


def test_dashboard_figures(staff_api, data):
    r = staff_api.get("/api/v1/reports/dashboard", {"date": "2026-03-02"})
    assert r.status_code == 200, r.content
    body = r.json()
    today = body["revenue"]["today"]
    assert today["by_channel"] == {"web": "34.54", "till": "42.00", "contract": "0.00"}
    assert today["total"] == "76.54"
    assert today["last_year_by_channel"]["till"] == "0.00"  # 3 March 2025 is not 2 March 2025
    assert body["tickets"] == 2 and body["till_returns"] == 1
    assert body["average_basket"] == "25.51"  # 76.54 over 3 sales
    assert body["top_products"][0]["name"].startswith("Écharpe")
    assert body["receivables"] == "34.54" and body["overdue_receivables"] == "0.00"


def test_dashboard_bad_date_names_the_field(staff_api):
    r = staff_api.get("/api/v1/reports/dashboard", {"date": "2026-13-45"})
    assert r.status_code == 400 and "date" in r.json()["error"]["fields"]


def test_consolidated_by_shop_and_month(staff_api, data):
    r = staff_api.get("/api/v1/reports/sales/consolidated",
                      {"date_from": "2026-03-01", "date_to": "2026-03-31", "group_by": "month", "dimension": "shop"})
    assert r.status_code == 200, r.content
    rows = {row["shop"]: row["gross"] for row in r.json()["rows"]}
    assert rows == {str(data["shop_a"]): "30.00", str(data["shop_b"]): "12.00", "None": "34.54"} or rows == {
        str(data["shop_a"]): "30.00", str(data["shop_b"]): "12.00", None: "34.54"}
    assert r.json()["totals"]["gross"] == "76.54"


def test_consolidated_refuses_an_inverted_period(staff_api):
    r = staff_api.get("/api/v1/reports/sales/consolidated", {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert r.status_code == 400 and "date_to" in r.json()["error"]["fields"]


def test_product_analytics(staff_api, data):
    r = staff_api.get("/api/v1/reports/products/analytics", {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert r.status_code == 200, r.content
    body = r.json()
    top = body["top_sellers"][0]
    assert top["variant_id"] == str(data["scarf"].id) and top["gross"] == "54.00"  # 24.00 web + 60 - 30 till
    assert body["bottom_sellers"][0]["variant_id"] in (str(data["hat"].id), str(data["scarf"].id))


def test_generate_refuses_an_unknown_measure(staff_api):
    r = staff_api.post("/api/v1/reports/generate", {"date_from": "2026-03-01", "date_to": "2026-03-31",
                                                    "measures": ["profit"], "format": "xlsx"}, format="json")
    assert r.status_code == 400 and "measures" in r.json()["error"]["fields"]


def test_generate_csv_in_process(staff_api, data, django_capture_on_commit_callbacks, mailoutbox, monkeypatch):
    from contexts.engagement.reporting import tasks

    monkeypatch.setattr(tasks.build_report, "delay", lambda **kw: tasks.build_report.run(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        r = staff_api.post("/api/v1/reports/generate", {"date_from": "2026-03-02", "date_to": "2026-03-02",
                                                        "dimensions": ["channel"], "measures": ["gross"], "format": "csv"},
                           format="json")
    assert r.status_code == 202, r.content
    job = r.json()
    status = staff_api.get(f"/api/v1/reports/jobs/{job['id']}").json()
    assert status["status"] == "done" and status["download_url"]
    csv_text = staff_api.get(status["download_url"]).content.decode("utf-8-sig")
    assert csv_text.splitlines() == ["channel;gross", "till;42.00", "web;34.54"]


@pytest.mark.committed
@pytest.mark.worker
def test_custom_xlsx_report_built_by_a_real_worker(celery_worker, committed_tenant):
    from openpyxl import load_workbook

    from tests.worker import wait_until

    shop = uuid.uuid4()
    scarf = cat.variant(name="Écharpe", price="60.00")
    _ticket(scarf, "60.00", MONDAY, shop)
    _ticket(scarf, "36.00", MONDAY, shop)
    deliver_reporting()
    job = reports.report_request(spec={"dimensions": ["day", "channel"], "measures": ["quantity", "net", "gross"],
                                       "filters": {}, "date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 3, 31)},
                                 fmt="xlsx", user_id=None, email="patron@exemple.fr")
    wait_until(lambda: ReportJob.objects.filter(id=job.id, status="done").exists(), message="the report")
    content = bytes(ReportJob.objects.get(id=job.id).content)
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("day", "channel", "quantity", "net", "gross")
    assert rows[1][1:] == ("till", 2, 80, 96)
    assert str(rows[1][0])[:10] == "2026-03-02"
    # The session's worker writes every test's mail to this folder: wait for this one's, not any.
    assert wait_until(lambda: any("patron@exemple.fr" in p.read_text() for p in celery_worker.mail_dir.glob("*.log")),
                      message="the mail to the requester")


def test_weekly_report_goes_to_owners_and_managers_once(tenant, data, mailoutbox, django_capture_on_commit_callbacks):
    from tests.factories.core import StaffFactory

    StaffFactory(role="owner", email="patronne@exemple.fr")
    StaffFactory(role="cashier", email="caisse@exemple.fr")
    next_monday = dt.date(2026, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        assert reports.weekly_sales_send(today=next_monday) == 1
        assert reports.weekly_sales_send(today=next_monday) == 0
        assert reports.weekly_sales_send(today=dt.date(2026, 3, 10)) == 0  # not the weekday
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["patronne@exemple.fr"]
    assert "76.54" in mailoutbox[0].body
    ScheduledReport.objects.filter(kind="weekly_sales").update(recipients="compta@exemple.fr\n", last_sent_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        reports.weekly_sales_send(today=next_monday)
    assert mailoutbox[-1].to == ["compta@exemple.fr"]


def test_pdf_report_through_weasyprint(tenant, data):
    job = reports.report_request(spec={"dimensions": ["channel"], "measures": ["gross", "lines"], "filters": {"channel": "till"},
                                       "date_from": dt.date(2026, 3, 2), "date_to": dt.date(2026, 3, 2)},
                                 fmt="pdf", user_id=None, email="")
    job = reports.report_build(job_id=job.id)
    assert job.status == "done" and bytes(job.content).startswith(b"%PDF") and job.rows == 1


def test_download_before_the_report_is_ready_is_a_409(staff_api):
    job = ReportJob.objects.create(spec={}, format="csv")
    r = staff_api.get(f"/api/v1/reports/jobs/{job.id}/download")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_ready"
    assert staff_api.get(f"/api/v1/reports/jobs/{uuid.uuid4()}").status_code == 404


def test_stock_cover_dead_stock_and_low_stock_alerts(staff_api, data):
    from tests.factories import inventory as inv

    scarf, hat = data["scarf"], data["hat"]
    inv.stocked(27, variant_id=scarf.id, product_id=scarf.product_id)
    inv.stocked(5, variant_id=hat.id, product_id=hat.product_id, reorder_point=6)  # at or below its reorder point
    idle = cat.variant(name="Plaid", price="80.00")
    inv.stocked(4, variant_id=idle.id, product_id=idle.product_id)
    body = staff_api.get("/api/v1/reports/products/analytics", {"date_from": "2026-02-27", "date_to": "2026-03-02"}).json()
    rows = {r["variant_id"]: r for r in body["top_sellers"]}
    scarf_row = rows[str(scarf.id)]
    # scarf: 2 on the web invoice + 1 ticket - 1 return = 2 units over 4 days: 0.5 a day, 27 on hand: 54 days
    assert (scarf_row["quantity"], scarf_row["on_hand"], scarf_row["stock_cover_days"]) == ("2.000", 27, "54.00")
    assert body["dead_stock_product_ids"] == [str(idle.product_id)]
    assert staff_api.get("/api/v1/reports/dashboard", {"date": "2026-03-02"}).json()["low_stock_alerts"] == 1
