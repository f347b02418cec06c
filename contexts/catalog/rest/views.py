from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.catalog import selectors
from contexts.catalog.models import Category, Product
from contexts.catalog.rest.serializers import ProductFilterInput, ProductOutput, SearchHit, SearchInput


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProductOutput
    queryset = Product.objects.none()  # for permissions; get_queryset does the work
    filter_backends = []

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.product_list(active_only=False)
        filters = ProductFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        product_ids = None
        if f.get("available") is not None:
            from contexts.inventory import api as inventory_api

            in_stock = inventory_api.products_in_stock()
            product_ids = in_stock if f["available"] else None
            if not f["available"]:
                return selectors.product_list(category_id=f.get("category"), min_price=f.get("min_price"),
                                              max_price=f.get("max_price")).exclude(id__in=in_stock)
        return selectors.product_list(category_id=f.get("category"), min_price=f.get("min_price"),
                                      max_price=f.get("max_price"), product_ids=product_ids)

    @extend_schema(parameters=[
        OpenApiParameter("category", OpenApiTypes.UUID, description="this category and its subcategories"),
        OpenApiParameter("min_price", OpenApiTypes.DECIMAL), OpenApiParameter("max_price", OpenApiTypes.DECIMAL),
        OpenApiParameter("available", OpenApiTypes.BOOL, description="in stock somewhere (inventory)"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ProductSearchView(APIView):
    queryset = Product.objects.none()

    @extend_schema(request=SearchInput, responses={200: SearchHit(many=True)})
    def post(self, request):
        data = SearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        hits = selectors.search(q=data.validated_data["q"], limit=data.validated_data["limit"])
        return Response({"results": SearchHit(hits, many=True).data})


class CategoryTreeView(APIView):
    queryset = Category.objects.none()

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({"results": selectors.category_tree()})
