"""The platform, on the bare domain (localhost, example.com): organisations, sign-up, health."""
from django.urls import include, path
from django.views.generic import TemplateView
from rest_framework.routers import SimpleRouter

from config.urls_common import common_urlpatterns
from crm.platform import platform_site
from contexts.core.tenancy.rest.views import OrganisationViewSet

router = SimpleRouter()
router.register("platform/tenants", OrganisationViewSet, basename="platform-tenant")

urlpatterns = [
    path("", TemplateView.as_view(template_name="platform/index.html"), name="platform-home"),
    path("admin/", platform_site.urls),
    path("api/v1/", include(router.urls)),
    *common_urlpatterns,
]

# Errors outside the views answer in the API's JSON format under /api/ (crm.rest.errors).
handler400 = "crm.rest.errors.bad_request"
handler404 = "crm.rest.errors.page_not_found"
handler500 = "crm.rest.errors.server_error"
