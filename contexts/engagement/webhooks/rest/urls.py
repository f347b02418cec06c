from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.engagement.webhooks.rest import views

router = SimpleRouter()
router.register("webhooks/endpoints", views.EndpointViewSet, basename="webhook-endpoint")
deliveries = views.DeliveryViewSet.as_view({"get": "list"})
delivery = views.DeliveryViewSet.as_view({"get": "retrieve"})
resend = views.DeliveryViewSet.as_view({"post": "resend"})
urlpatterns = router.urls + [
    path("webhooks/endpoints/<uuid:endpoint_id>/deliveries", deliveries, name="webhook-deliveries"),
    path("webhooks/endpoints/<uuid:endpoint_id>/deliveries/<uuid:pk>", delivery, name="webhook-delivery"),
    path("webhooks/endpoints/<uuid:endpoint_id>/deliveries/<uuid:pk>/resend", resend, name="webhook-delivery-resend"),
]
