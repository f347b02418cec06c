from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.catalog.rest import views

router = SimpleRouter()
router.register("products", views.ProductViewSet, basename="product")
urlpatterns = [
    path("products/search", views.ProductSearchView.as_view(), name="product-search"),
    path("categories", views.CategoryTreeView.as_view(), name="category-tree"),
] + router.urls
