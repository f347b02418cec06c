from django.urls import path
from rest_framework.routers import SimpleRouter

from contexts.finance.rest.payment_views import DunningView, PaymentViewSet, ScheduleView
from contexts.finance.rest.views import InvoiceViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
urlpatterns = router.urls + [
    path("invoices/<uuid:invoice_id>/schedule", ScheduleView.as_view(), name="invoice-schedule"),
    path("invoices/<uuid:invoice_id>/dunning", DunningView.as_view(), name="invoice-dunning"),
]
