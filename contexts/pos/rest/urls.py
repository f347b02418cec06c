from django.urls import path

from contexts.pos.rest import views

urlpatterns = [
    path("sales/transactions", views.TransactionView.as_view(), name="sales-transactions"),
    path("sales/returns", views.ReturnView.as_view(), name="sales-returns"),
    path("sales/history", views.HistoryView.as_view(), name="sales-history"),
    path("sales/tickets/<uuid:ticket_id>", views.TicketView.as_view(), name="sales-ticket"),
    path("sales/tickets/<uuid:ticket_id>/void", views.VoidView.as_view(), name="sales-void"),
    path("sales/tickets/<uuid:ticket_id>/duplicates", views.DuplicateView.as_view(), name="sales-duplicate"),
    path("sales/receipts/<uuid:ticket_id>", views.ReceiptView.as_view(), name="sales-receipt"),
    path("sales/lookup", views.LookupView.as_view(), name="sales-lookup"),
    path("sales/registers", views.RegisterListView.as_view(), name="sales-registers"),
    path("sales/sessions", views.SessionOpenView.as_view(), name="sales-sessions"),
    path("sales/sessions/<uuid:session_id>", views.SessionSummaryView.as_view(), name="sales-session"),
    path("sales/sessions/<uuid:session_id>/close", views.SessionCloseView.as_view(), name="sales-session-close"),
    path("sales/closings", views.ClosingListView.as_view(), name="sales-closings"),
    path("sales/journal/check", views.JournalCheckView.as_view(), name="sales-journal-check"),
]
