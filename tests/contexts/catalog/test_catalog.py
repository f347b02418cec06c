import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from contexts.catalog import api as catalog_api
from contexts.catalog import selectors
from contexts.catalog.models import Category, PriceList, PriceListItem, Promotion
from contexts.catalog.services import categories, products
from contexts.catalog.services.pricing import price_lines
from crm.rest.errors import InvalidInput
from tests.factories import catalog as f
from tests.helpers import count_queries


# --- EAN-13 ------------------------------------------------------------------------------------

def test_ean13_check_digit_is_verified(tenant):
    good = f.ean13(42)
    assert products.validate_ean13(good) == good
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert f.product(name="Tasse").variants.first().ean13  # a valid one goes through
    with pytest.raises(InvalidInput) as err:
        products.product_create(name="Tasse", category_id=f.category().id,
                                variants=[{"sku": "T-1", "ean13": bad, "price": "9.90"}])
    assert err.value.field == "variants[0].ean13"


def test_duplicate_sku_names_the_field(tenant):
    p = f.product()
    with pytest.raises(InvalidInput) as err:
        products.product_create(name="Autre", category_id=p.category_id,
                                variants=[{"sku": p.variants.first().sku, "price": "1"}])
    assert err.value.field == "variants"


# --- category tree -------------------------------------------------------------------------------

def test_moving_a_category_moves_its_subtree(tenant):
    mode = f.category("Mode")
    maison = f.category("Maison")
    hiver = f.category("Hiver", parent=mode)
    echarpes = f.category("Echarpes", parent=hiver)
    categories.category_move(category_id=hiver.id, new_parent_id=maison.id)
    hiver.refresh_from_db()
    echarpes.refresh_from_db()
    assert hiver.parent_id == maison.id and hiver.depth == 1
    assert echarpes.path == f"{maison.id.hex}/{hiver.id.hex}/{echarpes.id.hex}/" and echarpes.depth == 2
    assert set(categories.descendant_ids(maison)) == {maison.id, hiver.id, echarpes.id}
    assert set(categories.descendant_ids(mode)) == {mode.id}


def test_a_category_cannot_move_under_its_descendant(tenant):
    mode = f.category("Mode")
    hiver = f.category("Hiver", parent=mode)
    with pytest.raises(categories.CategoryCycle):
        categories.category_move(category_id=mode.id, new_parent_id=hiver.id)
    with pytest.raises(categories.CategoryCycle):
        categories.category_move(category_id=mode.id, new_parent_id=mode.id)
    assert Category.objects.get(pk=mode.pk).parent_id is None


def test_category_tree_endpoint_is_nested(staff_api):
    mode = f.category("Mode")
    f.category("Hiver", parent=mode)
    tree = staff_api.get("/api/v1/categories").json()["results"]
    assert [(n["name"], [c["name"] for c in n["children"]]) for n in tree] == [("Mode", ["Hiver"])]


# --- pricing -----------------------------------------------------------------------------------

def _line(variant, qty=1, **kw):
    return price_lines(lines=[(variant.id, qty)], **kw)[0]


def test_base_price_and_price_lists_by_channel_group_and_priority(tenant):
    v = f.variant(price="30.00")
    assert _line(v).unit_price == D("30.00")
    web = PriceList.objects.create(name="Web", channel="web", priority=1)
    PriceListItem.objects.create(price_list=web, variant=v, price=D("27.00"))
    pros = PriceList.objects.create(name="Pros", channel="any", client_group="pro", priority=5)
    PriceListItem.objects.create(price_list=pros, variant=v, price=D("24.00"))
    assert _line(v, channel="shop").unit_price == D("30.00")
    assert _line(v, channel="web").unit_price == D("27.00")
    line = _line(v, channel="web", client_group="pro")
    assert (line.unit_price, line.price_list) == (D("24.00"), "Pros")


def test_percent_fixed_and_buy_x_get_y_take_the_best_automatic_promotion(tenant):
    v = f.variant(price="10.00")
    Promotion.objects.create(name="-10 %", kind="percent", value=D("10"))
    Promotion.objects.create(name="-1,50 €", kind="fixed", value=D("1.50"))
    line = _line(v, qty=3)
    assert (line.discount, line.total, [p.name for p in line.promotions]) == (D("4.50"), D("25.50"), ["-1,50 €"])
    Promotion.objects.create(name="3 pour 2", kind="bxgy", buy_quantity=2, free_quantity=1)
    line = _line(v, qty=7)  # two full groups of 3: two free
    assert (line.discount, line.total, line.promotions[0].name) == (D("20.00"), D("50.00"), "3 pour 2")


def test_percent_rounds_half_up_to_the_cent(tenant):
    v = f.variant(price="0.35")
    Promotion.objects.create(name="-10 %", kind="percent", value=D("10"))
    assert _line(v, qty=1).discount == D("0.04")  # 0.035 -> 0.04


def test_coupon_applies_on_top_only_with_its_code_and_within_its_dates(tenant):
    v = f.variant(price="50.00")
    now = timezone.now()
    Promotion.objects.create(name="Bienvenue", kind="percent", value=D("20"), coupon_code="BIENVENUE",
                             valid_from=now - datetime.timedelta(days=1), valid_until=now + datetime.timedelta(days=1))
    assert _line(v).discount == D("0")
    line = _line(v, coupon="bienvenue")
    assert (line.total, line.promotions[0].coupon_code) == (D("40.00"), "BIENVENUE")
    with pytest.raises(InvalidInput) as err:
        _line(v, coupon="BIENVENUE", at=now + datetime.timedelta(days=2))
    assert err.value.field == "coupon"


def test_promotions_follow_channel_category_and_dates(tenant):
    hiver = f.category("Hiver")
    laine = f.category("Laine", parent=hiver)
    in_cat = f.variant(price="20.00", cat=laine)
    elsewhere = f.variant(price="20.00")
    now = timezone.now()
    Promotion.objects.create(name="Soldes hiver web", kind="percent", value=D("50"), channel="web", category=hiver,
                             valid_from=now - datetime.timedelta(hours=1))
    Promotion.objects.create(name="Futur", kind="percent", value=D("90"), valid_from=now + datetime.timedelta(days=3))
    assert _line(in_cat, channel="web").total == D("10.00")
    assert _line(in_cat, channel="shop").total == D("20.00")
    assert _line(elsewhere, channel="web").total == D("20.00")


def test_a_promotion_restricted_to_variants_covers_only_them(tenant):
    mug, bowl, plate = f.variant(price="10.00"), f.variant(price="10.00"), f.variant(price="10.00")
    Promotion.objects.create(name="Mugs -50 %", kind="percent", value=D("50")).variants.set([mug, plate])
    lines = {l.variant_id: l.total for l in price_lines(lines=[(mug.id, 1), (bowl.id, 1)])}
    assert lines == {mug.id: D("5.00"), bowl.id: D("10.00")}
    assert _line(bowl).total == D("10.00")  # none of its variants among the lines: still restricted
    assert _line(plate).total == D("5.00")


def test_pricing_runs_a_fixed_number_of_queries(tenant):
    variants = [f.variant(price="5") for _ in range(12)]
    Promotion.objects.create(name="-10 %", kind="percent", value=D("10"))
    Promotion.objects.create(name="-20 %", kind="percent", value=D("20")).variants.set(variants[:3])
    assert count_queries(price_lines, lines=[(variants[0].id, 1)]) == 3  # variants, price lists, promotions
    one = count_queries(price_lines, lines=[(variants[0].id, 1)])
    many = count_queries(price_lines, lines=[(v.id, 2) for v in variants])
    assert one == many


# --- search ------------------------------------------------------------------------------------

@pytest.fixture
def shelf(tenant):
    accessoires = f.category("Accessoires")
    items = {
        "echarpe": f.product("Écharpe en laine mérinos", cat=accessoires, description="Douce et chaude"),
        "bonnet": f.product("Bonnet côtelé", cat=accessoires),
        "tasse": f.product("Tasse en grès", cat=f.category("Maison"), description="Idéale avec une écharpe ? Non."),
        "pull": f.product("Pull marin rayé", cat=accessoires, sizes=("S", "M", "L")),
    }
    return items


@pytest.mark.parametrize("q", ["écharpe", "echarpe", "echarpes", "ÉCHARPES", "echape"])
def test_search_finds_echarpe_without_accents_plural_or_typo(shelf, q):
    hits = selectors.search(q=q)
    assert hits and hits[0].product_id == shelf["echarpe"].id


def test_exact_sku_or_barcode_ranks_first(shelf):
    pull_m = shelf["pull"].variants.get(attributes__taille="M")
    hits = selectors.search(q=pull_m.sku.lower())
    assert hits[0].id == pull_m.id
    assert selectors.search(q=shelf["bonnet"].variants.first().ean13)[0].product_id == shelf["bonnet"].id


def test_barcode_lookup_for_the_till(shelf):
    v = shelf["tasse"].variants.first()
    found = catalog_api.variant_by_barcode(code=v.ean13)
    assert (found.id, found.product_name, found.vat_rate) == (v.id, "Tasse en grès", D("20.00"))
    assert catalog_api.variant_by_barcode(code="0000000000000") is None


def test_search_api_and_bad_input(staff_api, shelf):
    response = staff_api.post("/api/v1/products/search", {"q": "echarpes"}, format="json")
    assert response.status_code == 200
    assert response.json()["results"][0]["product_name"] == "Écharpe en laine mérinos"
    bad = staff_api.post("/api/v1/products/search", {"q": "", "limit": 500}, format="json")
    assert bad.status_code == 400 and {"q", "limit"} <= set(bad.json()["error"]["fields"])


def test_search_runs_a_fixed_number_of_queries(staff_api, tenant):
    for i in range(30):
        f.product(f"Écharpe modèle {i}")
    few = count_queries(staff_api.post, "/api/v1/products/search", {"q": "echarpe", "limit": 1}, format="json")
    many = count_queries(staff_api.post, "/api/v1/products/search", {"q": "echarpe", "limit": 30}, format="json")
    assert few == many


# --- product API ---------------------------------------------------------------------------------

def test_product_list_filters_and_runs_a_fixed_number_of_queries(staff_api, tenant):
    hiver = f.category("Hiver")
    laine = f.category("Laine", parent=hiver)
    for i in range(25):
        f.product(f"Pull {i}", cat=laine if i % 2 else f.category("Autre"), price=str(10 + i), sizes=("S", "M"))
    one = count_queries(staff_api.get, "/api/v1/products/?page_size=1")
    fifty = count_queries(staff_api.get, "/api/v1/products/?page_size=50")
    assert one == fifty
    body = staff_api.get(f"/api/v1/products/?category={hiver.id}&min_price=20&max_price=30").json()
    assert body["count"] == 5 and all(20 <= float(p["variants"][0]["price"]) <= 30 for p in body["results"])


def test_product_list_bad_filters_name_the_field(staff_api):
    response = staff_api.get("/api/v1/products/?min_price=abc&category=nope")
    assert response.status_code == 400 and {"min_price", "category"} <= set(response.json()["error"]["fields"])
    assert staff_api.get("/api/v1/products/?min_price=30&max_price=20").json()["error"]["fields"].keys() == {"max_price"}


def test_product_detail(staff_api, tenant):
    p = f.product("Bougie parfumée", sizes=("150 g", "300 g"), vat="normal")
    body = staff_api.get(f"/api/v1/products/{p.id}/").json()
    assert body["name"] == "Bougie parfumée" and len(body["variants"]) == 2 and body["vat_rate"] == "20.00"


def test_api_lookups_run_the_same_queries_for_1_and_100_variants(tenant):
    p = f.product("Chaussettes", sizes=tuple(str(i) for i in range(100)))
    ids = list(p.variants.values_list("id", flat=True))
    assert count_queries(catalog_api.variants_by_ids, ids=ids[:1]) == count_queries(catalog_api.variants_by_ids, ids=ids)
    assert len(catalog_api.variants_by_ids(ids=ids)) == 100


def test_price_change_publishes_an_event(tenant):
    from crm.models import OutboxEvent

    v = f.variant(price="10.00")
    products.set_price(variant_id=v.id, price="12.50")
    event = OutboxEvent.objects.get(name="catalog.price.changed.v1")
    assert event.payload["old_price"] == "10.00" and event.payload["new_price"] == "12.50"


def test_product_admin_list_has_a_bounded_query_count(tenant):
    from django.test import Client as HttpClient

    from tests.factories.core import StaffFactory

    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="manager"))
    f.product("Pull 0", sizes=("S", "M"))
    few = count_queries(browser.get, "/admin/catalog/product/")
    for i in range(10):
        f.product(f"Pull {i + 1}", sizes=("S", "M"))
    assert count_queries(browser.get, "/admin/catalog/product/") == few
