from rest_framework.routers import SimpleRouter

from contexts.finance.rest.views import InvoiceViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")
urlpatterns = router.urls
