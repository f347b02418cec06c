from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.catalog.content import rest as content
from contexts.catalog.rest import views

router = SimpleRouter()
router.register("products", views.ProductViewSet, basename="product")
urlpatterns = [
    path("products/search", views.ProductSearchView.as_view(), name="product-search"),
    path("categories", views.CategoryTreeView.as_view(), name="category-tree"),
    # AI content (contexts/catalog/content)
    path("products/<uuid:product_id>/generations", content.ProductGenerationsView.as_view(), name="product-generations"),
    path("generations/<uuid:job_id>", content.GenerationView.as_view(), name="generation"),
    path("generations/<uuid:job_id>/accept", content.AcceptView.as_view(), name="generation-accept"),
    path("generations/<uuid:job_id>/reject", content.RejectView.as_view(), name="generation-reject"),
    path("ai-settings", content.AiSettingsView.as_view(), name="ai-settings"),
] + router.urls
