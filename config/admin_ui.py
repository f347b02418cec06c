"""The back office's frame (django-unfold callbacks named in settings.UNFOLD): the sidebar grouped
by bounded context, built from what each context registered in the admin, and the index's KPI
cards. config wires everything and nothing imports it; models are looked up by name here."""
from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from crm import tenancy

# (title, icon, app labels): the order staff read them in.
TENANT_GROUPS = [
    ("Clients", "group", ["core"]),
    ("Catalogue", "inventory_2", ["catalog"]),
    ("Stock", "warehouse", ["inventory"]),
    ("Ventes et contrats", "shopping_cart", ["commercial"]),
    ("Finance", "receipt_long", ["finance"]),
    ("Relation client", "campaign", ["engagement"]),
    ("Logistique", "local_shipping", ["logistics"]),
    ("Caisse", "point_of_sale", ["pos"]),
    ("Équipe et accès", "badge", ["accounts", "auth"]),
    ("Système", "settings", ["crm", "django_celery_beat", "token_blacklist"]),
]
PLATFORM_GROUPS = [
    ("Organisations", "apartment", ["tenancy"]),
    ("Abonnements", "credit_card", ["billing"]),
    ("Comptes plateforme", "badge", ["accounts", "auth"]),
    ("Système", "settings", ["django_celery_beat", "crm"]),
]


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _site(request):
    from crm.platform import platform_site

    return platform_site if tenancy.is_public() else admin.site


def navigation(request) -> list[dict]:
    site = _site(request)
    groups = PLATFORM_GROUPS if site is not admin.site else TENANT_GROUPS
    registry = {(m._meta.app_label, m): a for m, a in site._registry.items()}
    nav = []
    for title, icon, labels in groups:
        items = []
        for (label, model), model_admin in registry.items():
            if label not in labels or not model_admin.has_view_or_change_permission(request):
                continue
            try:
                link = reverse(f"{site.name}:{label}_{model._meta.model_name}_changelist")
            except NoReverseMatch:
                continue
            items.append({"title": _capfirst(str(model._meta.verbose_name_plural)), "icon": icon, "link": link})
        if items:
            items.sort(key=lambda i: i["title"])
            nav.append({"title": title, "separator": True, "collapsible": True, "items": items})
    return nav


def _kpi(title, value, footer="", link=""):
    return {"title": title, "value": value, "footer": footer, "link": link}


def _money(amount) -> str:
    return f"{amount or 0:,.2f} €".replace(",", " ").replace(".", ",")


def dashboard_callback(request, context: dict) -> dict:
    """A few KPI cards on the index (the engagement dashboard will replace it)."""
    if tenancy.is_public():
        Organisation = apps.get_model("tenancy", "Organisation")
        context["kpis"] = [_kpi("Organisations actives", Organisation.objects.filter(is_active=True).count())]
        return context
    today = timezone.localdate()
    month_start = today.replace(day=1)
    Client, Order = apps.get_model("core", "Client"), apps.get_model("commercial", "Order")
    Invoice, StockAlert = apps.get_model("finance", "Invoice"), apps.get_model("inventory", "StockAlert")
    paid = Order.objects.filter(created_at__date__gte=month_start).exclude(status__in=["placed", "cancelled"])
    issued = Invoice.objects.filter(kind="invoice", status="issued", issue_date__gte=month_start)
    context["kpis"] = [
        _kpi("Clients", Client.objects.count(), "particuliers et entreprises", reverse("admin:core_client_changelist")),
        _kpi("Commandes du mois", paid.count(), _money(paid.aggregate(s=Sum("total"))["s"]) + " encaissés",
             reverse("admin:commercial_order_changelist")),
        _kpi("Facturé ce mois", _money(issued.aggregate(s=Sum("total_gross"))["s"]), f"{issued.count()} factures émises",
             reverse("admin:finance_invoice_changelist")),
        _kpi("Alertes de stock", StockAlert.objects.filter(is_open=True).count(), "sous le point de commande",
             reverse("admin:inventory_stockalert_changelist")),
    ]
    return context
