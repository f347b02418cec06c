"""The storefront's catalog reads are public: anonymous visitors and customers see active
products, prices VAT included and an availability level; staff keep their richer view."""
from decimal import Decimal as D

import pytest

from contexts.catalog.models import Product, Variant
from crm.rest import authentication as auth
from tests.conftest import make_api_client
from tests.factories import catalog as f
from tests.factories import commercial as fc
from tests.factories import inventory as fi
from tests.factories.core import StaffFactory
from tests.helpers import assert_num_queries


@pytest.fixture
def shop(tenant):
    """A web warehouse; an écharpe well stocked, a bonnet nearly out, a tasse out, a hidden pull."""
    web = fi.location(kind="warehouse", serves_web=True)
    shop_only = fi.location(kind="shop")
    cat = f.category("Accessoires")
    items = {
        "echarpe": f.product("Écharpe", cat=cat, price="29.90"),
        "bonnet": f.product("Bonnet", cat=cat, price="19.00"),
        "tasse": f.product("Tasse", cat=cat, price="12.00", vat="normal"),
        "pull": f.product("Pull caché", cat=cat, price="59.00"),
    }
    for key, units, reorder in (("echarpe", 40, 5), ("bonnet", 3, 5), ("pull", 10, 0)):
        p = items[key]
        fi.stocked(units, loc=web, variant_id=p.variants.first().id, product_id=p.id, reorder_point=reorder)
    t = items["tasse"]  # stock only in a shop that does not serve the web: out for the storefront
    fi.stocked(7, loc=shop_only, variant_id=t.variants.first().id, product_id=t.id)
    Product.objects.filter(pk=items["pull"].pk).update(is_active=False)
    return items


def _customer_api(tenant):
    client = make_api_client(tenant)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {fc.customer_token(fc.customer())}")
    return client


def _staff_api(tenant, role="manager"):
    client = make_api_client(tenant)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {auth.staff_tokens(StaffFactory(role=role)).access_token}")
    return client


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_the_storefront_reads_are_public_with_active_products_prices_and_availability(shop, tenant, who):
    client = make_api_client(tenant) if who == "anonymous" else _customer_api(tenant)
    listing = client.get("/api/v1/products/")
    assert listing.status_code == 200, listing.content
    by_name = {p["name"]: p for p in listing.json()["results"]}
    assert set(by_name) == {"Écharpe", "Bonnet", "Tasse"}  # the inactive pull is not shown
    assert {n: p["availability"] for n, p in by_name.items()} == {"Écharpe": "in_stock", "Bonnet": "low", "Tasse": "out"}
    echarpe = by_name["Écharpe"]
    assert (echarpe["variants"][0]["price"], echarpe["vat_rate"]) == ("29.90", "20.00")
    assert echarpe["variants"][0]["availability"] == "in_stock"
    for forbidden in ("stock", "is_active", "on_hand", "reserved"):  # no stock figures, no staff fields
        assert forbidden not in echarpe and forbidden not in echarpe["variants"][0]

    detail = client.get(f"/api/v1/products/{shop['bonnet'].id}/")
    assert detail.status_code == 200 and detail.json()["availability"] == "low"
    assert client.get(f"/api/v1/products/{shop['pull'].id}/").status_code == 404

    tree = client.get("/api/v1/categories")
    assert tree.status_code == 200 and [n["name"] for n in tree.json()["results"]] == ["Accessoires"]

    found = client.post("/api/v1/products/search", {"q": "pull"}, format="json")
    assert found.status_code == 200 and found.json()["results"] == []  # inactive products are not found
    found = client.post("/api/v1/products/search", {"q": "echarpe"}, format="json")
    assert found.json()["results"][0]["product_name"] == "Écharpe"

    # "available" agrees with the availability shown: the tasse's stock is in a shop, not online
    available = client.get("/api/v1/products/?available=true").json()["results"]
    assert {p["name"] for p in available} == {"Écharpe", "Bonnet"}


def test_staff_keep_their_richer_view(shop, tenant):
    Variant.objects.create(product=shop["echarpe"], sku="ECH-OLD", price=D("25.00"), is_active=False)
    client = _staff_api(tenant)
    body = client.get("/api/v1/products/").json()
    by_name = {p["name"]: p for p in body["results"]}
    assert set(by_name) == {"Écharpe", "Bonnet", "Tasse", "Pull caché"} and by_name["Pull caché"]["is_active"] is False
    tasse = by_name["Tasse"]["variants"][0]
    assert tasse["availability"] == "out"  # for the web
    assert tasse["stock"] == {"on_hand": 7, "reserved": 0, "available": 7, "reorder_point": 0}  # everywhere
    assert [v["is_active"] for v in by_name["Écharpe"]["variants"]] == [False, True]  # ECH-OLD sorts first
    assert client.get(f"/api/v1/products/{shop['pull'].id}/").json()["is_active"] is False
    assert client.post("/api/v1/products/search", {"q": "pull"}, format="json").json()["results"]
    available = client.get("/api/v1/products/?available=true").json()["results"]
    assert {p["name"] for p in available} == {"Écharpe", "Bonnet", "Tasse", "Pull caché"}  # stock anywhere


def test_a_bad_token_is_still_refused(tenant):
    client = make_api_client(tenant)
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/api/v1/products/").status_code == 401


def test_a_customer_token_of_another_tenant_is_refused(tenant, other_tenant):
    from django_tenants.utils import tenant_context

    with tenant_context(other_tenant):
        token = fc.customer_token(fc.customer())
    client = make_api_client(tenant)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/products/").status_code == 401


@pytest.mark.parametrize("who, budget", [("anonymous", 8), ("staff", 12)])
def test_the_list_runs_a_fixed_number_of_queries_whatever_the_page_size(tenant, who, budget):
    """The tenant's domain, then five reads: count, products with category and VAT class, variants,
    images, web availability; staff (JWT) also their user, their permissions (2) and the stock
    figures of every location. django-tenants sets the search path once per schema switch
    (TENANT_LIMIT_SET_CALLS): SET public, the domain, SET the tenant, five reads (8; staff 12)."""
    web = fi.location(kind="warehouse", serves_web=True)
    for i in range(30):
        p = f.product(f"Pull {i:02}", sizes=("S", "M", "L"))
        for v in p.variants.all():
            fi.stocked(5, loc=web, variant_id=v.id, product_id=p.id)
    client = _staff_api(tenant) if who == "staff" else make_api_client(tenant)
    for size in (1, 30):
        with assert_num_queries(budget):
            response = client.get(f"/api/v1/products/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size


def test_anonymous_visitors_are_throttled_per_tenant(tenant, monkeypatch):
    from django.core.cache import cache

    from contexts.catalog.rest.access import StorefrontAnonThrottle

    monkeypatch.setattr(StorefrontAnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    cache.delete("throttle_anon_127.0.0.1")
    client = make_api_client(tenant)
    codes = [client.get("/api/v1/categories").status_code for _ in range(4)]
    cache.delete("throttle_anon_127.0.0.1")
    assert codes == [200, 200, 200, 429]
