"""Catalog API. Storefront reads (products, a product, categories, search) are public:
anonymous visitors and customers see active products with prices VAT included and an
availability level; staff holding `catalog.view_product` also see inactive products and
variants with their stock figures."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from contexts.catalog import selectors
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


PRODUCT_DESCRIPTION = ("Public: anonymous visitors and customers see active products (`ProductOutput`); staff with "
                       "`catalog.view_product` also see inactive ones, with stock figures (`StaffProductOutput`).")


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

    @extend_schema(description=PRODUCT_DESCRIPTION, responses={200: ProductOutput(many=True)}, parameters=[
        OpenApiParameter("category", OpenApiTypes.UUID, description="this category and its subcategories"),
        OpenApiParameter("min_price", OpenApiTypes.DECIMAL), OpenApiParameter("max_price", OpenApiTypes.DECIMAL),
        OpenApiParameter("available", OpenApiTypes.BOOL,
                         description="true: with free stock (the storefront: in a web-serving location; staff: anywhere)"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(description=PRODUCT_DESCRIPTION, responses={200: ProductOutput})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class ProductSearchView(StorefrontView, APIView):
    queryset = Product.objects.none()

    @extend_schema(request=SearchInput, responses={200: inline_serializer("SearchResults", {"results": SearchHit(many=True)})})
    def post(self, request):
        data = validated(SearchInput, request.data)
        hits = selectors.search(q=data["q"], limit=data["limit"],
                                active_only=not is_staff_reader(request))
        return Response({"results": SearchHit(hits, many=True).data})


class CategoryTreeView(StorefrontView, APIView):
    queryset = Category.objects.none()

    @extend_schema(responses={200: inline_serializer("CategoryTree", {"results": CategoryNode(many=True)})})
    def get(self, request):
        return Response({"results": selectors.category_tree()})
