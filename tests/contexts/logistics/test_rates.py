"""The rate table: a price per carrier service, destination zone (France, EU, world) and weight
band, through logistics.api and /api/v1/shipping/quotes."""
from decimal import Decimal

import pytest

from contexts.logistics import api as logistics_api
from contexts.logistics.services import rates
from tests.factories import logistics as fl


@pytest.mark.parametrize("country, weight, price", [
    ("FR", 1, "4.95"), ("FR", 1000, "4.95"), ("FR", 1001, "7.90"), ("MC", 4000, "7.90"), ("DE", 900, "9.90"),
    ("US", 1500, "24.00"),
])
def test_the_price_is_the_smallest_band_that_holds_the_weight_in_the_zone(tenant, country, weight, price):
    fl.carrier(code="colis")
    quote, = logistics_api.shipping_quotes(country=country, weight_grams=weight)
    assert (quote.carrier, quote.service, quote.price) == ("colis", "standard", Decimal(price))


def test_no_band_no_quote_and_bad_input_names_the_field(tenant, staff_api):
    carrier = fl.carrier(code="colis")
    assert logistics_api.shipping_quotes(country="US", weight_grams=5000) == []
    assert rates.cost(carrier=carrier, service="standard", country="US", weight_grams=5000) is None
    answer = staff_api.get("/api/v1/shipping/quotes?country=FR&weight_grams=2500")
    assert answer.status_code == 200 and answer.json()["results"] == [{"carrier": "colis", "service": "standard", "price": "7.90"}]
    for query, field in (("country=France&weight_grams=10", "country"), ("country=FR&weight_grams=0", "weight_grams")):
        bad = staff_api.get(f"/api/v1/shipping/quotes?{query}")
        assert bad.status_code == 400 and field in bad.json()["error"]["fields"]


def test_the_packing_slip_is_a_pdf(tenant, staff_api):
    shipment = fl.paid_order_shipment()
    answer = staff_api.get(f"/api/v1/shipments/{shipment.id}/packing-slip.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert staff_api.get("/api/v1/shipments/00000000-0000-0000-0000-000000000000/packing-slip.pdf").status_code == 404
