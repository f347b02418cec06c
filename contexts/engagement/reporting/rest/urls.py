from django.urls import path

from contexts.engagement.reporting.rest import views

urlpatterns = [
    path("reports/dashboard", views.DashboardView.as_view(), name="reports-dashboard"),
    path("reports/sales/consolidated", views.ConsolidatedView.as_view(), name="reports-consolidated"),
    path("reports/products/analytics", views.ProductAnalyticsView.as_view(), name="reports-products"),
    path("reports/generate", views.GenerateView.as_view(), name="reports-generate"),
    path("reports/jobs/<uuid:job_id>", views.JobView.as_view(), name="reports-job"),
    path("reports/jobs/<uuid:job_id>/download", views.JobDownloadView.as_view(), name="reports-job-download"),
]
