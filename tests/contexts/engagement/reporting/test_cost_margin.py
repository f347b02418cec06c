"""Cost and margin: a variant's cost price (excl. VAT) flows into the sold lines (cost = unit cost
x signed quantity, margin = net - cost, empty when no cost is known), the roll-ups, the
consolidated report, product analytics, the dashboard, custom reports and the rebuild."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.db.models import Sum

from contexts.catalog.models import Variant
from contexts.engagement.reporting import selectors, services
from contexts.engagement.reporting.models import DailySales, SaleFact
from crm.rest.errors import InvalidInput
from tests.contexts.engagement.reporting.helpers import deliver_reporting
from tests.contexts.engagement.reporting.test_read_model import _no_pdf, scene  # noqa: F401  (fixtures)
from tests.factories import catalog as cat

pytestmark = pytest.mark.dates
DAY = dt.date(2026, 3, 2)


def _margins():
    facts = SaleFact.objects.aggregate(cost=Sum("cost"), margin=Sum("margin"))
    rolled = DailySales.objects.aggregate(cost=Sum("cost"), margin=Sum("margin"), costed_net=Sum("costed_net"))
    return facts, rolled


def test_cost_and_margin_in_facts_reports_and_rebuild(scene):
    """The scarf costs 12.50 excl. VAT. Its lines: web 2 x 10.00 net (margin -5.00), contract
    1 x 10.00 and its credit note (0 together), till 2 for 50.00 net (margin 25.00) and a return of
    one at -25.00 net (-12.50): net 45.00, cost 37.50, margin 7.50. The book lines (no variant)
    have no cost: no margin, and they are left out of the margin rate."""
    variant = scene["variant"]
    Variant.objects.filter(pk=variant.id).update(cost_price=D("12.5000"))
    deliver_reporting()
    scarf = SaleFact.objects.filter(variant_id=variant.id).aggregate(net=Sum("net"), cost=Sum("cost"), margin=Sum("margin"))
    assert scarf == {"net": D("45.00"), "cost": D("37.50"), "margin": D("7.50")}
    assert not SaleFact.objects.filter(variant_id__isnull=True, cost__isnull=False).exists()
    assert _margins() == ({"cost": D("37.50"), "margin": D("7.50")},
                          {"cost": D("37.50"), "margin": D("7.50"), "costed_net": D("45.00")})

    report = selectors.consolidated(date_from=DAY, date_to=DAY, by="channel")
    assert {k: report["totals"][k] for k in ("cost", "margin", "margin_rate")} == {
        "cost": D("37.50"), "margin": D("7.50"), "margin_rate": D("16.67")}
    assert {r["channel"]: r["margin"] for r in report["rows"]} == {"web": D("-5.00"), "contract": D("0.00"), "till": D("12.50")}

    analytics = selectors.products_analytics(date_from=DAY, date_to=DAY)
    assert analytics["top_sellers"][0]["variant_id"] == variant.id and analytics["top_sellers"][0]["margin"] == D("7.50")
    by_cat = {r["category_id"]: r for r in analytics["by_category"]}
    assert by_cat[variant.product.category_id]["margin_rate"] == D("16.67")
    assert by_cat[None]["margin_rate"] is None  # nothing costed there
    assert selectors.dashboard(today=DAY)["margin_30_days"] == {"cost": D("37.50"), "margin": D("7.50"),
                                                                "margin_rate": D("16.67")}
    header, rows = selectors.report_rows(dimensions=["channel"], measures=["net", "cost", "margin"], filters={},
                                         date_from=DAY, date_to=DAY)
    assert header == ["channel", "net", "cost", "margin"]
    assert {r[0]: r[2:] for r in rows}["till"] == [D("12.50"), D("12.50")]

    before = _margins()
    SaleFact.objects.exclude(channel="till").update(cost=None, margin=None)  # a damaged read model
    DailySales.objects.all().delete()
    services.rebuild()
    assert _margins() == before


def test_cost_price_is_optional_checked_and_shown_to_staff_only(tenant, api, staff_user):
    from contexts.catalog import api as catalog_api

    category = cat.category()
    with pytest.raises(InvalidInput) as err:
        catalog_api.create_product(name="Gilet", category_id=category.id,
                                   variants=[{"sku": "GIL-1", "price": "50.00", "cost_price": "-1"}])
    assert err.value.field == "variants[0].cost_price"
    made = catalog_api.create_product(name="Gilet", category_id=category.id,
                                      variants=[{"sku": "GIL-1", "price": "50.00", "cost_price": "18.755"},
                                                {"sku": "GIL-2", "price": "50.00"}])
    assert sorted((v.sku, v.cost_price) for v in made) == [("GIL-1", D("18.7550")), ("GIL-2", None)]
    product_id = made[0].product_id
    public = api.get(f"/api/v1/products/{product_id}/").json()
    assert "cost_price" not in public["variants"][0]
    api.force_authenticate(staff_user)
    staff = api.get(f"/api/v1/products/{product_id}/").json()
    assert {v["sku"]: v["cost_price"] for v in staff["variants"]} == {"GIL-1": "18.7550", "GIL-2": None}
