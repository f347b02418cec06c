"""Catalog API. Storefront reads (products, a product, categories, search) are public:
anonymous visitors and customers see active products with prices VAT included and an
availability level; staff holding `catalog.view_product` also see inactive products and
variants with their stock figures.

The storefront's reads are served from a per-tenant cache of their catalog part
(contexts/catalog/storefront_cache.py) with the availability levels read on every request and
merged in; they carry a weak ETag (If-None-Match -> 304 with no body) and Cache-Control. Staff's
reads are never cached."""
import json
import uuid

from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from contexts.catalog import selectors, storefront_cache
from contexts.catalog.models import Category, Product
from contexts.catalog.rest.access import STOREFRONT_AUTHENTICATION, StorefrontAnonThrottle, is_staff_reader
from crm.rest.parsers import validated
from contexts.catalog.rest.serializers import (
    CategoryNode, ProductFilterInput, ProductOutput, SearchHit, SearchInput, StaffProductOutput,
)


class StorefrontView:
    """Public reads: any principal of the tenant, or none."""

    authentication_classes = STOREFRONT_AUTHENTICATION
    permission_classes = [AllowAny]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, StorefrontAnonThrottle]

    def cached_entry(self, kind: str, params: tuple, build, *, store: bool = True) -> dict:
        """The catalog part of a storefront read: from the tenant's cache (the version read
        before the database), else `build()`, stored unless `store` is false."""
        catalog_version = storefront_cache.version() if store and storefront_cache.enabled() else None
        if catalog_version is None:
            return _entry(build())
        entry_key = storefront_cache.key(kind, catalog_version, *params)
        entry = storefront_cache.get(entry_key)
        if entry is None:
            entry = _entry(build())
            storefront_cache.put(entry_key, entry)
        return entry

    def conditional(self, request, etag: str, body) -> Response:
        """200 with the body, or 304 with none when If-None-Match names this ETag (weak
        comparison); Cache-Control and Vary for browsers and shared caches."""
        tags = parse_etags(request.headers.get("If-None-Match", ""))
        matched = "*" in tags or any(_opaque(t) == _opaque(etag) for t in tags)
        response = HttpResponseNotModified() if matched else Response(body)
        response["ETag"] = etag
        return storefront_headers(request, response)


def storefront_headers(request, response, *, staff: bool = False):
    """Public for anonymous visitors, private for a signed-in principal, never stored for staff;
    always revalidated (max-age=0: the ETag makes it cheap)."""
    if staff:
        patch_cache_control(response, private=True, no_store=True)
    elif getattr(request.user, "is_authenticated", False):
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    else:
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
    return response


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def _entry(data) -> dict:
    """Plain JSON values (no serializer objects in the cache) and their digest."""
    plain = json.loads(json.dumps(data, cls=JSONEncoder))
    return {"data": plain, "digest": storefront_cache.digest(plain)}


def _merge_availability(products: list[dict]) -> str:
    """Writes the page's availability levels (one query) into the cached products; returns them
    as a string for the ETag."""
    variant_ids = [uuid.UUID(v["id"]) for p in products for v in p["variants"]]
    levels = selectors.storefront_availability(variant_ids=variant_ids)
    seen = []
    for p in products:
        variant_levels = []
        for v in p["variants"]:
            v["availability"] = levels.get(uuid.UUID(v["id"]), selectors.OUT)
            variant_levels.append(v["availability"])
        p["availability"] = selectors.product_availability(variant_levels)
        seen.append(",".join(variant_levels))
    return ";".join(seen)


PRODUCT_DESCRIPTION = ("Public: anonymous visitors and customers see active products (`ProductOutput`); staff with "
                       "`catalog.view_product` also see inactive ones, with stock figures (`StaffProductOutput`).")

CACHE_DESCRIPTION = (" Anonymous visitors and customers get a weak `ETag` and `Cache-Control: public, max-age=0, "
                     "must-revalidate` (`private` instead of `public` when signed in); `If-None-Match` with the current "
                     "ETag answers 304 with no body. Staff's answers are `private, no-store`.")


class ProductViewSet(StorefrontView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Product.objects.none()  # get_queryset does the work
    filter_backends = []

    def get_serializer_class(self):
        return StaffProductOutput if is_staff_reader(self.request) else ProductOutput

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "availability": {}, "stock": {}}

    def get_serializer(self, *args, **kwargs):
        """Availability (and staff's stock figures) for the page's variants: one query each,
        whatever the page size."""
        if args:
            products = args[0] if kwargs.get("many") else [args[0]]
            variant_ids = [v.id for p in products for v in p.variants.all()]
            context = self.get_serializer_context()
            context["availability"] = selectors.storefront_availability(variant_ids=variant_ids)
            if is_staff_reader(self.request):
                context["stock"] = selectors.stock_figures(variant_ids=variant_ids)
            kwargs["context"] = context
            return self.get_serializer_class()(*args, **kwargs)
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self):
        staff = is_staff_reader(self.request)
        if self.action == "retrieve":
            return selectors.product_list(active_only=not staff, inactive_variants=staff)
        f = validated(ProductFilterInput, self.request.query_params)
        common = {"category_id": f.get("category"), "min_price": f.get("min_price"), "max_price": f.get("max_price"),
                  "active_only": not staff, "inactive_variants": staff}
        if f.get("available") is not None:
            from contexts.inventory import api as inventory_api

            in_stock = inventory_api.products_in_stock(web_only=not staff)  # as the availability shown
            if not f["available"]:
                return selectors.product_list(**common).exclude(id__in=in_stock)
            return selectors.product_list(**common, product_ids=in_stock)
        return selectors.product_list(**common)

    @extend_schema(description=PRODUCT_DESCRIPTION + CACHE_DESCRIPTION, responses={200: ProductOutput(many=True)},
                   parameters=[
        OpenApiParameter("category", OpenApiTypes.UUID, description="this category and its subcategories"),
        OpenApiParameter("min_price", OpenApiTypes.DECIMAL), OpenApiParameter("max_price", OpenApiTypes.DECIMAL),
        OpenApiParameter("available", OpenApiTypes.BOOL,
                         description="true: with free stock (the storefront: in a web-serving location; staff: anywhere)"),
    ])
    def list(self, request, *args, **kwargs):
        if is_staff_reader(request):
            return storefront_headers(request, super().list(request, *args, **kwargs), staff=True)
        f = validated(ProductFilterInput, request.query_params)
        paginator = self.paginator
        page_size = paginator.get_page_size(request)  # a bad one is a 400 naming it
        page = request.query_params.get(paginator.page_query_param) or "1"
        if page.isascii() and page.isdigit() and len(page) <= 9:
            page = str(int(page))
        elif page not in paginator.last_page_strings:
            return super().list(request, *args, **kwargs)  # DRF's 404 ("Invalid page.")
        params = (page, page_size, f.get("category") or "", _money(f.get("min_price")), _money(f.get("max_price")))

        def build():
            products = self.paginate_queryset(self.get_queryset())  # 404 past the last page: not cached
            data = ProductOutput(products, many=True, context={**self.get_serializer_context(), "availability": {}}).data
            return {"count": paginator.page.paginator.count, "number": paginator.page.number,
                    "num_pages": paginator.page.paginator.num_pages, "results": data}

        # `available` depends on stock: its result set is never cached (the page is built each time)
        entry = self.cached_entry("list", params, build, store=f.get("available") is None)
        page_data = entry["data"]
        levels = _merge_availability(page_data["results"])
        body = {"count": page_data["count"], **_links(request, paginator.page_query_param, page_data),
                "results": page_data["results"]}
        return self.conditional(request, storefront_cache.etag(entry["digest"], levels, _format(request)), body)

    @extend_schema(description=PRODUCT_DESCRIPTION + CACHE_DESCRIPTION, responses={200: ProductOutput})
    def retrieve(self, request, *args, **kwargs):
        if is_staff_reader(request):
            return storefront_headers(request, super().retrieve(request, *args, **kwargs), staff=True)
        try:
            product_id = uuid.UUID(str(kwargs[self.lookup_url_kwarg or self.lookup_field]))
        except ValueError:
            return super().retrieve(request, *args, **kwargs)

        def build():  # 404 for an unknown or inactive product: not cached
            return ProductOutput(self.get_object(), context={**self.get_serializer_context(), "availability": {}}).data

        entry = self.cached_entry("product", (product_id,), build)
        product = entry["data"]
        levels = _merge_availability([product])
        return self.conditional(request, storefront_cache.etag(entry["digest"], levels, _format(request)), product)


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _format(request) -> str:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", "")


def _links(request, page_param: str, page_data: dict) -> dict:
    """DRF's next and previous links, from the cached page number and the request's own URL."""
    url = request.build_absolute_uri()
    number, num_pages = page_data["number"], page_data["num_pages"]
    previous = None
    if number > 1:
        previous = (remove_query_param(url, page_param) if number == 2
                    else replace_query_param(url, page_param, number - 1))
    return {"next": replace_query_param(url, page_param, number + 1) if number < num_pages else None,
            "previous": previous}


class ProductSearchView(StorefrontView, APIView):
    queryset = Product.objects.none()

    @extend_schema(request=SearchInput, responses={200: inline_serializer("SearchResults", {"results": SearchHit(many=True)})})
    def post(self, request):
        data = validated(SearchInput, request.data)
        if is_staff_reader(request):
            hits = selectors.search(q=data["q"], limit=data["limit"], active_only=False)
            return storefront_headers(request, Response({"results": SearchHit(hits, many=True).data}), staff=True)

        def build():
            return SearchHit(selectors.search(q=data["q"], limit=data["limit"], active_only=True), many=True).data

        entry = self.cached_entry("search", (data["q"], data["limit"]), build)
        return Response({"results": entry["data"]})


class CategoryTreeView(StorefrontView, APIView):
    queryset = Category.objects.none()

    @extend_schema(description="The whole tree." + CACHE_DESCRIPTION,
                   responses={200: inline_serializer("CategoryTree", {"results": CategoryNode(many=True)})})
    def get(self, request):
        entry = self.cached_entry("categories", (), selectors.category_tree)
        return self.conditional(request, storefront_cache.etag(entry["digest"], _format(request)),
                                {"results": entry["data"]})
