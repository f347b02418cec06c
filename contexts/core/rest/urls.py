from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.core.rest import auth_views, gdpr_views, invitations
from contexts.core.rest.views import ClientViewSet

router = SimpleRouter()
router.register("clients", ClientViewSet, basename="client")
router.register("gdpr/requests", gdpr_views.GdprRequestViewSet, basename="gdpr-request")
router.register("invitations", invitations.InvitationViewSet, basename="invitation")
urlpatterns = router.urls + [
    path("gdpr/exports", gdpr_views.GdprExportView.as_view(), name="gdpr-export"),
    path("gdpr/exports/<uuid:request_id>/download", gdpr_views.GdprExportDownloadView.as_view(), name="gdpr-export-download"),
    path("gdpr/erasures", gdpr_views.GdprErasureView.as_view(), name="gdpr-erasure"),
    path("auth/token/", auth_views.TokenObtainView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", auth_views.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="token-logout"),
    path("invitations/accept", invitations.AcceptInvitationView.as_view(), name="invitation-accept"),
    path("customers/register", auth_views.CustomerRegisterView.as_view(), name="customer-register"),
    path("customers/login", auth_views.CustomerLoginView.as_view(), name="customer-login"),
    path("customers/me", auth_views.CustomerMeView.as_view(), name="customer-me"),
    path("customers/me/addresses", auth_views.CustomerAddressesView.as_view(), name="customer-addresses"),
    path("customers/me/addresses/<uuid:address_id>", auth_views.CustomerAddressView.as_view(), name="customer-address"),
]
