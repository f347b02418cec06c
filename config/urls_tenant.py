"""A tenant's site (acme.localhost): its admin, its API, its till."""
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.urls_common import common_urlpatterns
from contexts.core.accounts.views import accept_invitation
from crm.storage import serve_media

admin.site.site_header = "Comptoir — back office"
admin.site.index_title = "Tableau de bord"
admin.site.site_title = "Comptoir"

api_v1 = [
    path("", include("contexts.core.rest.urls")),
    path("", include("contexts.catalog.rest.urls")),
    path("", include("contexts.inventory.rest.urls")),
    path("", include("contexts.finance.rest.urls")),
    path("", include("contexts.commercial.rest.urls")),
    path("", include("contexts.logistics.rest.urls")),
    path("", include("contexts.pos.rest.urls")),
    path("", include("contexts.engagement.reporting.rest.urls")),
    path("", include("contexts.engagement.rest.urls")),
    path("", include("contexts.engagement.webhooks.rest.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("till/", include("contexts.pos.urls")),
    path("invitation/<str:token>", accept_invitation, name="invitation-accept-page"),
    path("media/<path:name>", serve_media, name="media"),
    *common_urlpatterns,
]

# Errors outside the views answer in the API's JSON format under /api/ (crm.rest.errors).
handler400 = "crm.rest.errors.bad_request"
handler404 = "crm.rest.errors.page_not_found"
handler500 = "crm.rest.errors.server_error"
