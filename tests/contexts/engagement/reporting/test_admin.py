"""The sales dashboard in the back office: KPIs and server-side SVG charts; scheduled reports
edited through the service (a bad address is refused naming it)."""
import pytest
from django.test import Client as HttpClient

from contexts.engagement.reporting.models import ScheduledReport
from tests.contexts.engagement.reporting.test_api import data  # noqa: F401  (fixture)
from tests.contexts.engagement.reporting.test_read_model import _no_pdf  # noqa: F401
from tests.factories.core import StaffFactory
from tests.helpers import assert_num_queries

pytestmark = pytest.mark.dates


def _browser(role="owner"):
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(is_superuser=role == "owner", role=role))
    return browser


def test_dashboard_page_shows_kpis_and_svg_charts(data):
    browser = _browser()
    with assert_num_queries(60, at_most=True):  # each query comes with its SET search_path
        r = browser.get("/admin/engagement/dailysales/", {"date": "2026-03-02"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Tableau de bord des ventes" in html and "76,54 €" in html
    assert html.count("<svg") >= 3 and "Chiffre d'affaires par jour et par canal" in html
    assert "Écharpe" in html  # top product by name


def test_scheduled_report_recipients_are_edited_through_the_service(tenant):
    browser = _browser()
    r = browser.post("/admin/engagement/scheduledreport/add/", {
        "kind": "weekly_sales", "enabled": "on", "recipients": "direction@exemple.fr\ncompta@exemple.fr",
        "weekday": "0", "day_of_month": "1"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert ScheduledReport.objects.get(kind="weekly_sales").recipients == "direction@exemple.fr\ncompta@exemple.fr"
