from django.urls import path

from contexts.commercial.channels.woocommerce import rest as woocommerce
from contexts.commercial.rest import views

urlpatterns = [
    path("cart/items", views.CartItemsView.as_view(), name="cart-items"),
    path("cart/<str:session_id>", views.CartView.as_view(), name="cart"),
    path("cart/<str:session_id>/calculate", views.CartCalculateView.as_view(), name="cart-calculate"),
    path("orders/checkout", views.CheckoutView.as_view(), name="checkout"),
    path("orders/<uuid:order_id>", views.OrderDetailView.as_view(), name="order"),
    path("orders/<uuid:order_id>/invoice.pdf", views.OrderInvoiceView.as_view(), name="order-invoice-pdf"),
    path("orders/<uuid:order_id>/status", views.OrderStatusView.as_view(), name="order-status"),
    path("orders/<uuid:order_id>/returns", views.OrderReturnView.as_view(), name="order-returns"),
    path("customers/<uuid:customer_id>/orders", views.CustomerOrdersView.as_view(), name="customer-orders"),
    path("commercial/woocommerce/connection", woocommerce.ConnectionView.as_view(), name="woocommerce-connection"),
    path("commercial/woocommerce/runs", woocommerce.RunsView.as_view(), name="woocommerce-runs"),
    path("commercial/woocommerce/runs/<uuid:run_id>", woocommerce.RunDetailView.as_view(), name="woocommerce-run"),
]
