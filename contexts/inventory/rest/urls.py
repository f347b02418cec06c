from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.inventory.rest import views

router = SimpleRouter()
router.register("inventory/locations", views.LocationViewSet, basename="location")
router.register("inventory/alerts", views.AlertViewSet, basename="stock-alert")
urlpatterns = [
    path("inventory/stock/<uuid:product_id>", views.StockView.as_view(), name="stock"),
    path("inventory/reserve", views.ReserveView.as_view(), name="reserve"),
    path("inventory/transfer", views.TransferView.as_view(), name="transfer"),
    path("inventory/receipts", views.ReceiptView.as_view(), name="receipt"),
] + router.urls
