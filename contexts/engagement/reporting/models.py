"""The reporting read model: fact rows written only by event subscribers (or the rebuild), and
daily roll-ups kept up to date with them. Other contexts are referenced by UUID, never a key."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    WEB = "web", "Web"
    TILL = "till", "Caisse"
    CONTRACT = "contract", "Contrat"


class SaleFact(models.Model):
    """One sold (or returned: negative) line of an invoice, a credit note or a till ticket."""

    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    source_id = models.UUIDField(verbose_name="document source")
    line_no = models.PositiveIntegerField(verbose_name="n° de ligne")
    occurred_at = models.DateTimeField(verbose_name="date et heure")
    day = models.DateField(verbose_name="jour")
    hour = models.PositiveSmallIntegerField(verbose_name="heure")
    channel = models.CharField(verbose_name="canal", max_length=8, choices=Channel.choices)
    shop_id = models.UUIDField(verbose_name="boutique", null=True, blank=True)
    register_id = models.UUIDField(verbose_name="caisse", null=True, blank=True)
    product_id = models.UUIDField(verbose_name="produit", null=True, blank=True)
    variant_id = models.UUIDField(verbose_name="variante", null=True, blank=True)
    category_id = models.UUIDField(verbose_name="catégorie", null=True, blank=True)
    client_id = models.UUIDField(verbose_name="client", null=True, blank=True)
    quantity = models.DecimalField(verbose_name="quantité", max_digits=12, decimal_places=3)
    net = models.DecimalField(verbose_name="HT", max_digits=14, decimal_places=2)
    vat = models.DecimalField(verbose_name="TVA", max_digits=14, decimal_places=2)
    gross = models.DecimalField(verbose_name="TTC", max_digits=14, decimal_places=2)
    cost = models.DecimalField(verbose_name="coût", max_digits=14, decimal_places=2, null=True, blank=True)
    margin = models.DecimalField(verbose_name="marge", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "ligne vendue"
        verbose_name_plural = "lignes vendues"
        constraints = [
            models.UniqueConstraint(fields=["source_id", "line_no"], name="reporting_salefact_once"),
            models.CheckConstraint(condition=Q(gross=models.F("net") + models.F("vat")), name="reporting_salefact_adds_up"),
            models.CheckConstraint(condition=Q(cost__isnull=True, margin__isnull=True)
                                   | Q(margin=models.F("net") - models.F("cost")), name="reporting_salefact_margin"),
        ]
        indexes = [
            models.Index(fields=["day", "channel"], name="reporting_salefact_day"),
            models.Index(fields=["variant_id", "day"], name="reporting_salefact_variant"),
        ]


class DocumentFact(models.Model):
    """One sale document (web order invoice, contract invoice, till ticket; credit notes and till
    returns as returns): counts orders and tickets, the average basket."""

    source_id = models.UUIDField(verbose_name="document source", primary_key=True)
    kind = models.CharField(verbose_name="type", max_length=10)  # sale or return
    occurred_at = models.DateTimeField(verbose_name="date et heure")
    day = models.DateField(verbose_name="jour", db_index=True)
    channel = models.CharField(verbose_name="canal", max_length=8, choices=Channel.choices)
    shop_id = models.UUIDField(verbose_name="boutique", null=True, blank=True)
    client_id = models.UUIDField(verbose_name="client", null=True, blank=True)
    gross = models.DecimalField(verbose_name="TTC", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "document de vente"
        verbose_name_plural = "documents de vente"


class InvoiceFact(models.Model):
    """An issued invoice or credit note with what was paid on it: receivables, ageing, DSO."""

    invoice_id = models.UUIDField(verbose_name="facture", primary_key=True)
    kind = models.CharField(verbose_name="type", max_length=12)
    client_id = models.UUIDField(verbose_name="client")
    channel = models.CharField(verbose_name="canal", max_length=8, choices=Channel.choices)
    issued_on = models.DateField(verbose_name="émise le")
    due_date = models.DateField(verbose_name="échéance", null=True, blank=True)
    gross = models.DecimalField(verbose_name="TTC", max_digits=14, decimal_places=2)
    paid = models.DecimalField(verbose_name="payé", max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = "facture (rapports)"
        verbose_name_plural = "factures (rapports)"
        indexes = [
            models.Index(fields=["issued_on"], include=["gross"], name="reporting_invoicefact_issued"),
            models.Index(fields=["due_date"], include=["gross", "paid"], name="reporting_invoicefact_open",
                         condition=Q(kind="invoice") & Q(gross__gt=models.F("paid"))),
        ]


class PaymentFact(models.Model):
    payment_id = models.UUIDField(verbose_name="paiement", primary_key=True)
    client_id = models.UUIDField(verbose_name="client")
    method = models.CharField(verbose_name="moyen", max_length=10)
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)
    occurred_at = models.DateTimeField(verbose_name="reçu le")
    day = models.DateField(verbose_name="jour", db_index=True)

    class Meta:
        verbose_name = "paiement (rapports)"
        verbose_name_plural = "paiements (rapports)"


class OrderFact(models.Model):
    """A placed web order (cancelled later or not): orders and conversion."""

    order_id = models.UUIDField(verbose_name="commande", primary_key=True)
    client_id = models.UUIDField(verbose_name="client", null=True, blank=True)
    total = models.DecimalField(verbose_name="total TTC", max_digits=14, decimal_places=2)
    day = models.DateField(verbose_name="jour", db_index=True)
    cancelled = models.BooleanField(verbose_name="annulée", default=False)

    class Meta:
        verbose_name = "commande (rapports)"
        verbose_name_plural = "commandes (rapports)"


class ClientFact(models.Model):
    client_id = models.UUIDField(verbose_name="client", primary_key=True)
    day = models.DateField(verbose_name="jour", db_index=True)

    class Meta:
        verbose_name = "nouveau client (rapports)"
        verbose_name_plural = "nouveaux clients (rapports)"


class DailySales(models.Model):
    """Roll-up of SaleFact per day, channel, shop and category, added to as facts arrive."""

    day = models.DateField(verbose_name="jour")
    channel = models.CharField(verbose_name="canal", max_length=8, choices=Channel.choices)
    shop_id = models.UUIDField(verbose_name="boutique", null=True, blank=True)
    category_id = models.UUIDField(verbose_name="catégorie", null=True, blank=True)
    quantity = models.DecimalField(verbose_name="quantité", max_digits=16, decimal_places=3, default=0)
    net = models.DecimalField(verbose_name="HT", max_digits=16, decimal_places=2, default=0)
    vat = models.DecimalField(verbose_name="TVA", max_digits=16, decimal_places=2, default=0)
    gross = models.DecimalField(verbose_name="TTC", max_digits=16, decimal_places=2, default=0)
    lines = models.PositiveIntegerField(verbose_name="lignes", default=0)
    cost = models.DecimalField(verbose_name="coût", max_digits=16, decimal_places=2, default=0,
                               help_text="des lignes dont le coût est connu")
    margin = models.DecimalField(verbose_name="marge", max_digits=16, decimal_places=2, default=0,
                                 help_text="HT moins coût, des lignes dont le coût est connu")
    costed_net = models.DecimalField(verbose_name="HT des lignes au coût connu", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "ventes du jour"
        verbose_name_plural = "tableau de bord des ventes"  # its admin page is the dashboard
        constraints = [models.UniqueConstraint(fields=["day", "channel", "shop_id", "category_id"],
                                               nulls_distinct=False, name="reporting_dailysales_key")]


class DailyVariantSales(models.Model):
    """Roll-up of SaleFact per day and variant: top and bottom sellers without scanning the lines."""

    day = models.DateField(verbose_name="jour")
    variant_id = models.UUIDField(verbose_name="variante", null=True, blank=True)
    product_id = models.UUIDField(verbose_name="produit", null=True, blank=True)
    quantity = models.DecimalField(verbose_name="quantité", max_digits=16, decimal_places=3, default=0)
    gross = models.DecimalField(verbose_name="TTC", max_digits=16, decimal_places=2, default=0)
    margin = models.DecimalField(verbose_name="marge", max_digits=16, decimal_places=2, null=True, blank=True,
                                 help_text="vide tant que la variante n'a pas de coût")

    class Meta:
        verbose_name = "ventes du jour par variante"
        verbose_name_plural = "ventes par jour et par variante"
        constraints = [models.UniqueConstraint(fields=["day", "variant_id"], nulls_distinct=False,
                                               name="reporting_dailyvariantsales_key")]
        indexes = [models.Index(fields=["day", "variant_id"], include=["product_id", "quantity", "gross"],
                                name="reporting_dailyvariant_cover")]


class DailyDocuments(models.Model):
    """Roll-up of DocumentFact per day, channel and shop: sales, returns and their amounts."""

    day = models.DateField(verbose_name="jour")
    channel = models.CharField(verbose_name="canal", max_length=8, choices=Channel.choices)
    shop_id = models.UUIDField(verbose_name="boutique", null=True, blank=True)
    sales = models.PositiveIntegerField(verbose_name="ventes", default=0)
    returns = models.PositiveIntegerField(verbose_name="retours", default=0)
    gross = models.DecimalField(verbose_name="TTC", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "documents du jour"
        verbose_name_plural = "documents par jour"
        constraints = [models.UniqueConstraint(fields=["day", "channel", "shop_id"], nulls_distinct=False,
                                               name="reporting_dailydocuments_key")]


class ReportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    PDF = "pdf", "PDF"


class ReportJob(models.Model):
    """A custom report asked over the API, built by a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        DONE = "done", "Prêt"
        FAILED = "failed", "Échec"

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="demandé par", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requester_email = models.EmailField(verbose_name="e-mail du demandeur", blank=True)
    spec = models.JSONField(verbose_name="définition")
    format = models.CharField(verbose_name="format", max_length=4, choices=ReportFormat.choices)
    status = models.CharField(verbose_name="état", max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(verbose_name="erreur", max_length=300, blank=True)
    content = models.BinaryField(verbose_name="contenu", null=True, blank=True)
    rows = models.PositiveIntegerField(verbose_name="lignes", default=0)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    finished_at = models.DateTimeField(verbose_name="terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "rapport demandé"
        verbose_name_plural = "rapports demandés"
        ordering = ["-created_at"]


class ScheduledReport(models.Model):
    """A report e-mailed by beat: the weekly sales summary, the monthly receivables report."""

    class Kind(models.TextChoices):
        WEEKLY_SALES = "weekly_sales", "Synthèse hebdomadaire des ventes"
        MONTHLY_RECEIVABLES = "monthly_receivables", "Créances du mois"

    kind = models.CharField(verbose_name="rapport", max_length=20, choices=Kind.choices, unique=True)
    enabled = models.BooleanField(verbose_name="actif", default=True)
    recipients = models.TextField(verbose_name="destinataires", blank=True,
                                  help_text="une adresse par ligne ; vide : le propriétaire et les responsables")
    weekday = models.PositiveSmallIntegerField(verbose_name="jour de la semaine", default=0,
                                               help_text="0 = lundi (rapport hebdomadaire)")
    day_of_month = models.PositiveSmallIntegerField(verbose_name="jour du mois", default=1,
                                                    help_text="rapport mensuel")
    last_sent_on = models.DateField(verbose_name="dernier envoi", null=True, blank=True)

    class Meta:
        verbose_name = "rapport programmé"
        verbose_name_plural = "rapports programmés"
        constraints = [models.CheckConstraint(condition=Q(weekday__lte=6), name="reporting_weekday_range"),
                       models.CheckConstraint(condition=Q(day_of_month__gte=1) & Q(day_of_month__lte=28),
                                              name="reporting_day_of_month_range")]
