"""The storefront's cache (issue 11): the catalog part of the public reads is cached per tenant
and invalidated after commit by catalog writes; availability is read on every request; ETag,
304 and Cache-Control. Committed transactions and the real Redis, as in production."""
import uuid

import pytest
from django.db import transaction

from contexts.catalog import storefront_cache
from contexts.catalog.models import Product
from contexts.catalog.services import categories, channel_sync, products
from contexts.inventory import api as inventory_api
from crm.rest import authentication as auth
from tests.conftest import make_api_client
from tests.factories import catalog as f
from tests.factories import inventory as fi
from tests.factories.core import StaffFactory
from tests.helpers import assert_num_queries


@pytest.fixture
def cache_on(settings):
    """The storefront cache and the tenant lookup cache on, as in production."""
    settings.STOREFRONT_CACHE_SECONDS = 60
    settings.TENANT_CACHE_SECONDS = 60


@pytest.fixture
def shop(committed_tenant, cache_on):
    """Committed: a web warehouse, two scarves well stocked, a bonnet with 2 units, a category."""
    storefront_cache.invalidate("gamma")  # nothing cached by an earlier test of this schema
    web = fi.location(kind="warehouse", serves_web=True)
    cat = f.category("Hiver")
    items = {"echarpe": f.product("Écharpe", cat=cat, price="29.90", sizes=("S", "M")),
             "bonnet": f.product("Bonnet", cat=cat, price="19.00")}
    for p, units in ((items["echarpe"], 40), (items["bonnet"], 2)):
        for v in p.variants.all():
            fi.stocked(units, loc=web, variant_id=v.id, product_id=p.id, reorder_point=0)
    items["category"], items["web"] = cat, web
    yield items
    storefront_cache.invalidate("gamma")


def _statements(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


def _names(response) -> dict:
    return {p["name"]: p for p in response.json()["results"]}


def test_a_warm_read_runs_only_the_availability_query(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    client.get("/api/v1/categories")  # the tenant's lookup is cached (not the subject)
    bonnet = shop["bonnet"].id
    for url in ("/api/v1/products/?page_size=1", "/api/v1/products/?page_size=30", f"/api/v1/products/{bonnet}/"):
        with assert_num_queries(6, at_most=True):
            cold = client.get(url)
        with assert_num_queries(2, at_most=True) as ctx:
            warm = client.get(url)
        assert cold.status_code == warm.status_code == 200 and cold.json() == warm.json()
        assert cold["ETag"] == warm["ETag"] and cold["ETag"].startswith('W/"')
        assert "inventory_stockitem" in _statements(ctx)[-1]  # the one query left: availability
    with assert_num_queries(0):
        assert client.get("/api/v1/categories").json()["results"][0]["name"] == "Hiver"


def test_if_none_match_answers_304_with_no_body(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    for url in ("/api/v1/products/?page_size=1", f"/api/v1/products/{shop['echarpe'].id}/", "/api/v1/categories"):
        first = client.get(url)
        assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert {"Accept", "Authorization", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
        # a list of tags, the strong form of the weak one, "*": still a match (weak comparison)
        strong = first["ETag"][2:]
        assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", {strong}').status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH="*").status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='W/"stale"').status_code == 200


def test_pagination_links_and_count_come_with_the_cached_page(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    for _ in range(2):  # cold, then warm: the same answer
        first = client.get("/api/v1/products/?page_size=1").json()
        assert first["count"] == 2 and first["previous"] is None
        assert first["next"] == "http://gamma.testserver/api/v1/products/?page=2&page_size=1"
        second = client.get("/api/v1/products/?page_size=1&page=2").json()
        assert second["next"] is None and second["previous"] == "http://gamma.testserver/api/v1/products/?page_size=1"
        assert [p["name"] for p in first["results"] + second["results"]] == ["Bonnet", "Écharpe"]
    assert client.get("/api/v1/products/?page=3&page_size=1").status_code == 404
    assert client.get("/api/v1/products/?page=x").status_code == 404
    bad = client.get("/api/v1/products/?page_size=abc")
    assert bad.status_code == 400 and "page_size" in bad.json()["error"]["fields"]
    bad = client.get("/api/v1/products/?min_price=-1")
    assert bad.status_code == 400 and "min_price" in bad.json()["error"]["fields"]


def test_a_stock_change_moves_availability_and_the_etag(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    url = f"/api/v1/products/?category={shop['category'].id}"
    before = client.get(url)
    assert _names(before)["Bonnet"]["availability"] == "in_stock"
    bonnet = shop["bonnet"].variants.first()
    inventory_api.reserve(variant_id=bonnet.id, quantity=2, reference="cart:1", owner="cart:1")  # a cart add
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert _names(after)["Bonnet"]["availability"] == "out"
    assert _names(after)["Bonnet"]["variants"][0]["availability"] == "out"
    detail = client.get(f"/api/v1/products/{shop['bonnet'].id}/")
    assert detail.json()["availability"] == "out"
    # the `available` filter follows the stock too (its result set is never cached)
    assert set(_names(client.get("/api/v1/products/?available=true"))) == {"Écharpe"}
    inventory_api.release_held(owner="cart:1")
    assert set(_names(client.get("/api/v1/products/?available=true"))) == {"Écharpe", "Bonnet"}


def test_catalog_writes_are_seen_on_the_next_read(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    echarpe, bonnet = shop["echarpe"], shop["bonnet"]
    detail_url = f"/api/v1/products/{bonnet.id}/"
    client.get("/api/v1/products/"), client.get(detail_url), client.get("/api/v1/categories")  # all cached
    old_etag = client.get("/api/v1/products/")["ETag"]

    products.set_price(variant_id=bonnet.variants.first().id, price="17.50")  # a price change
    listing = client.get("/api/v1/products/", HTTP_IF_NONE_MATCH=old_etag)
    assert listing.status_code == 200 and _names(listing)["Bonnet"]["variants"][0]["price"] == "17.50"
    assert client.get(detail_url).json()["variants"][0]["price"] == "17.50"

    categories.category_update(category_id=shop["category"].id, name="Grand froid")  # a rename
    assert _names(client.get("/api/v1/products/"))["Bonnet"]["category"]["name"] == "Grand froid"
    assert client.get("/api/v1/categories").json()["results"][0]["name"] == "Grand froid"

    root = f.category("Soldes")  # a move: a queryset update, no signal
    categories.category_move(category_id=shop["category"].id, new_parent_id=root.id)
    tree = client.get("/api/v1/categories").json()["results"]
    assert [(n["name"], [c["name"] for c in n["children"]]) for n in tree] == [("Soldes", ["Grand froid"])]

    b = Product.objects.get(pk=bonnet.pk)  # a deactivation saved as the admin does
    b.is_active = False
    b.save()
    assert set(_names(client.get("/api/v1/products/"))) == {"Écharpe"}
    assert client.get(detail_url).status_code == 404

    # a sales channel's import (queryset updates): a variant deactivated
    variants = [{"id": v.id, "sku": v.sku, "price": str(v.price), "ean13": v.ean13, "attributes": v.attributes,
                 "is_active": v.sku.endswith("-0")} for v in echarpe.variants.all()]
    channel_sync.product_sync(product_id=echarpe.id, name="Écharpe", category_id=shop["category"].id, variants=variants)
    assert len(_names(client.get("/api/v1/products/"))["Écharpe"]["variants"]) == 1


def test_a_rolled_back_change_leaves_the_cached_page(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    client.get("/api/v1/categories")  # the tenant's lookup is cached (not the subject)
    url = "/api/v1/products/"
    first = client.get(url)
    version = storefront_cache.version("gamma")
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            products.set_price(variant_id=shop["bonnet"].variants.first().id, price="1.00")
            categories.category_update(category_id=shop["category"].id, name="Jamais")
            assert storefront_cache.version("gamma") == version  # not before commit
            raise RuntimeError("rolled back")
    assert storefront_cache.version("gamma") == version
    with assert_num_queries(2, at_most=True):  # still the cached page
        again = client.get(url)
    assert again.json() == first.json() and again["ETag"] == first["ETag"]
    with transaction.atomic():  # committed: replaced once, after commit
        products.set_price(variant_id=shop["bonnet"].variants.first().id, price="2.00")
        assert storefront_cache.version("gamma") == version
    assert storefront_cache.version("gamma") != version
    assert _names(client.get(url))["Bonnet"]["variants"][0]["price"] == "2.00"


def test_two_tenants_never_share_a_cached_page(shop, committed_tenant, second_committed_tenant):
    from django_tenants.utils import tenant_context

    storefront_cache.invalidate("delta")
    with tenant_context(second_committed_tenant):
        f.product("Moufles", price="9.00")
    here, there = make_api_client(committed_tenant), make_api_client(second_committed_tenant)
    for _ in range(2):  # cold then warm, the same URLs and parameters in both tenants
        assert set(_names(here.get("/api/v1/products/"))) == {"Écharpe", "Bonnet"}
        assert set(_names(there.get("/api/v1/products/"))) == {"Moufles"}
        assert here.get("/api/v1/categories").json() != there.get("/api/v1/categories").json()
        hits = there.post("/api/v1/products/search", {"q": "echarpe"}, format="json").json()["results"]
        assert hits == []
    with tenant_context(second_committed_tenant):  # a write in one tenant leaves the other's version
        version = storefront_cache.version("gamma")
        f.product("Gants", price="12.00")
    assert storefront_cache.version("gamma") == version
    assert set(_names(there.get("/api/v1/products/"))) == {"Moufles", "Gants"}
    storefront_cache.invalidate("delta")


def test_staff_reads_are_never_cached(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    client.get("/api/v1/products/")  # the anonymous page is cached
    Product.objects.filter(pk=shop["bonnet"].pk).update(is_active=False)  # behind the cache's back
    assert set(_names(client.get("/api/v1/products/"))) == {"Écharpe", "Bonnet"}  # cached (until it expires)
    staff = make_api_client(committed_tenant)
    staff.credentials(HTTP_AUTHORIZATION=f"Bearer {auth.staff_tokens(StaffFactory(role='manager')).access_token}")
    listing = staff.get("/api/v1/products/")
    assert {n: p["is_active"] for n, p in _names(listing).items()} == {"Écharpe": True, "Bonnet": False}
    assert _names(listing)["Bonnet"]["variants"][0]["stock"]["on_hand"] == 2
    assert listing["Cache-Control"] == "private, no-store" and "ETag" not in listing
    assert staff.get(f"/api/v1/products/{shop['bonnet'].id}/").json()["is_active"] is False


def test_a_search_is_cached_and_invalidated(shop, committed_tenant):
    client = make_api_client(committed_tenant)
    client.get("/api/v1/categories")

    def search():
        return [h["product_name"] for h in client.post("/api/v1/products/search", {"q": "echarpe"},
                                                       format="json").json()["results"]]

    assert search() == ["Écharpe", "Écharpe"]
    with assert_num_queries(0):
        assert search() == ["Écharpe", "Écharpe"]
    b = Product.objects.get(pk=shop["echarpe"].pk)
    b.is_active = False
    b.save()
    assert search() == []


def test_a_customer_gets_the_same_page_privately(shop, committed_tenant):
    from tests.factories import commercial as fc

    anonymous = make_api_client(committed_tenant).get("/api/v1/products/")
    customer = make_api_client(committed_tenant)
    customer.credentials(HTTP_AUTHORIZATION=f"Bearer {fc.customer_token(fc.customer())}")
    mine = customer.get("/api/v1/products/")
    assert mine.json() == anonymous.json() and mine["ETag"] == anonymous["ETag"]
    assert mine["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_one_transaction_replaces_the_version_once(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            p = f.product("Tasse", sizes=("S", "M", "L"))
            products.set_price(variant_id=p.variants.first().id, price="3.00")
            categories.category_update(category_id=p.category_id, name="Vaisselle")
    bumps = [c for c in callbacks if isinstance(c, storefront_cache._Bump)]
    assert len(bumps) == 1 and bumps[0].schema == "alpha"


def test_a_read_without_redis_is_served_uncached(tenant, settings, monkeypatch):
    settings.STOREFRONT_CACHE_SECONDS = 60
    monkeypatch.setattr(storefront_cache, "caches", {"shared": None, "default": None})  # every call fails
    p = f.product("Tasse")
    client = make_api_client(tenant)
    assert client.get("/api/v1/products/").status_code == 200
    assert client.get(f"/api/v1/products/{p.id}/").json()["name"] == "Tasse"
    assert client.get(f"/api/v1/products/{uuid.uuid4()}/").status_code == 404
