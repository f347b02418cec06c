"""Routes served on every host, public or tenant: health, readiness, metrics, API schema."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from contexts.finance.webhooks import stripe_webhook
from crm import health

common_urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("webhooks/stripe", stripe_webhook, name="stripe-webhook"),
    path("", include("django_prometheus.urls")),  # /metrics
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
