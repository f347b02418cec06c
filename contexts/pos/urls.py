"""The till's screens (/till/) and the JSON endpoints they call (/till/api/)."""
from django.urls import path

from contexts.pos import views

app_name = "pos"
urlpatterns = [
    path("", views.till_home, name="till"),
    path("open/", views.till_home, name="open"),
    path("pin/", views.manager_pin, name="pin"),
    path("sessions/<uuid:session_id>/", views.sale, name="sale"),
    path("sessions/<uuid:session_id>/returns/", views.returns, name="returns"),
    path("sessions/<uuid:session_id>/close/", views.close, name="close"),
    path("closings/<uuid:closing_id>/", views.zreport, name="zreport"),
    path("tickets/<uuid:ticket_id>/receipt/", views.receipt, name="receipt"),
    path("tickets/<uuid:ticket_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("api/lookup", views.api_lookup, name="api_lookup"),
    path("api/customers", views.api_customers, name="api_customers"),
    path("api/approvals", views.api_approve, name="api_approve"),
    path("api/quote", views.api_quote, name="api_quote"),
    path("api/tickets", views.api_tickets, name="api_tickets"),
    path("api/tickets/find", views.api_find_ticket, name="api_find_ticket"),
    path("api/returns", views.api_returns, name="api_returns"),
]
