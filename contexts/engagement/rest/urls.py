from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.engagement.rest import exports, views

router = SimpleRouter()
router.register("tasks", views.TaskViewSet, basename="task")
urlpatterns = router.urls + [
    path("clients/<uuid:client_id>/timeline", views.TimelineView.as_view(), name="client-timeline"),
    path("clients/<uuid:client_id>/activities", views.ActivityView.as_view(), name="client-activities"),
    path("clients/<uuid:client_id>/health", views.HealthView.as_view(), name="client-health"),
    path("clients/<uuid:client_id>/loyalty", views.ClientLoyaltyView.as_view(), name="client-loyalty"),
    path("customers/me/loyalty", views.MyLoyaltyView.as_view(), name="customer-loyalty"),
    path("loyalty/redemptions", views.RedeemView.as_view(), name="loyalty-redeem"),
    path("exports/<str:kind>", exports.ExportView.as_view(), name="export-csv"),
    path("engagement/unsubscribe/<str:token>", views.UnsubscribeView.as_view(), name="engagement-unsubscribe"),
]
