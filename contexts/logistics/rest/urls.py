from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.logistics.rest import views

router = SimpleRouter(trailing_slash=False)
router.register("shipments", views.ShipmentViewSet, basename="shipment")
router.register("dispatches", views.DispatchViewSet, basename="dispatch")
router.register("collections", views.CollectionViewSet, basename="collection")
urlpatterns = [
    path("shipments/pick-list.pdf", views.PickListView.as_view(), name="pick-list"),
    path("shipments/<uuid:pk>/packing-slip.pdf", views.PackingSlipView.as_view(), name="packing-slip"),
    path("shipping/quotes", views.QuoteView.as_view(), name="shipping-quotes"),
    path("logistics/carriers/<slug:code>/webhook", views.carrier_webhook, name="carrier-webhook"),
] + router.urls
