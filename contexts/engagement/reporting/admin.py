"""Back office of reporting: the sales dashboard (KPIs and SVG charts, linked in the sidebar),
scheduled reports (recipients and days editable, saved through the service), requested reports."""
from __future__ import annotations

import datetime

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe

from contexts.engagement.reporting import charts, reports, selectors
from contexts.engagement.reporting.models import DailySales, ReportJob, ScheduledReport
from crm.adminkit import ModelAdmin

AGEING_LABELS = {"not_due": "Non échues", "1_30": "1 à 30 j", "31_60": "31 à 60 j", "61_90": "61 à 90 j",
                 "over_90": "Plus de 90 j"}


def _money(value) -> str:
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


@admin.register(DailySales)
class SalesDashboardAdmin(ModelAdmin):
    """The dashboard page: the changelist of the daily roll-ups shows the KPIs and charts instead."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        try:
            today = datetime.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            today = timezone.localdate()
        data = selectors.dashboard(today=today)
        start = today - datetime.timedelta(days=29)
        days = [start + datetime.timedelta(days=i) for i in range(30)]
        ageing = selectors.receivables(today=today)["ageing"]
        rev = data["revenue"]
        kpis = [
            ("CA du jour", _money(rev["today"]["total"]), f"N-1 : {_money(rev['today']['last_year_total'])}"),
            ("CA 7 jours", _money(rev["last_7_days"]["total"]), f"N-1 : {_money(rev['last_7_days']['last_year_total'])}"),
            ("CA 30 jours", _money(rev["last_30_days"]["total"]), f"N-1 : {_money(rev['last_30_days']['last_year_total'])}"),
            ("Panier moyen", _money(data["average_basket"]), f"{data['orders']} commandes, {data['tickets']} tickets"),
            ("Créances échues", _money(data["overdue_receivables"]),
             f"DSO : {data['dso_days']} j" if data["dso_days"] is not None else "DSO : —"),
            ("Alertes de stock", data["low_stock_alerts"], f"{data['new_clients_30_days']} nouveaux clients (30 j)"),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Tableau de bord des ventes", "today": today, "kpis": kpis,
            "conversion": data["conversion_rate"],
            "revenue_chart": mark_safe(charts.revenue_by_day(days=days, rows=selectors.revenue_by_day(
                date_from=start, date_to=today))),
            "top_chart": mark_safe(charts.horizontal_bars(
                items=[(t["name"] or str(t["variant_id"])[:8], t["gross"]) for t in data["top_products"]],
                label="Meilleures ventes (30 jours)")),
            "ageing_chart": mark_safe(charts.horizontal_bars(
                items=[(AGEING_LABELS[k], v) for k, v in ageing.items()], label="Balance âgée des créances",
                colour="#d97706")),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "engagement/reporting/dashboard.html", context)


@admin.register(ScheduledReport)
class ScheduledReportAdmin(ModelAdmin):
    list_display = ("kind", "enabled", "recipients", "weekday", "day_of_month", "last_sent_on")
    fields = ("kind", "enabled", "recipients", "weekday", "day_of_month", "last_sent_on")
    readonly_fields = ("last_sent_on",)

    def get_readonly_fields(self, request, obj=None):
        return ("kind", "last_sent_on") if obj else ("last_sent_on",)

    def save_model(self, request, obj, form, change):
        reports.scheduled_report_save(kind=obj.kind, enabled=obj.enabled, recipients=obj.recipients,
                                      weekday=obj.weekday, day_of_month=obj.day_of_month)


@admin.register(ReportJob)
class ReportJobAdmin(ModelAdmin):
    list_display = ("created_at", "format", "status", "rows", "requester_email")
    list_filter = ("status", "format")
    fields = ("format", "status", "rows", "requester_email", "spec", "error", "created_at", "finished_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
