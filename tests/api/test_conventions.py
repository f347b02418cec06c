"""API conventions the schema documents: pagination parameters are integers, empty filters mean
no filter."""
import pytest

from tests.factories import catalog as f


@pytest.mark.parametrize("page_size", ["abc", "0", "-1", "1.5", "null"])
def test_a_page_size_that_is_not_a_whole_number_is_refused_naming_it(api, page_size):
    response = api.get(f"/api/v1/products/?page_size={page_size}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"page_size"}


def test_a_page_size_above_the_maximum_is_capped(api, tenant):
    f.product("Bonnet")
    assert api.get("/api/v1/products/?page_size=5000").status_code == 200


def test_an_empty_filter_means_no_filter(staff_api, tenant):
    f.product("Bonnet")
    assert staff_api.get("/api/v1/products/?category=").json()["count"] == 1
    assert staff_api.get("/api/v1/invoices/?order_id=").status_code == 200
