import uuid

from django.db import models
from django.db.models import Q


class Plan(models.Model):
    code = models.SlugField(verbose_name="code", max_length=30, unique=True)
    name = models.CharField(verbose_name="nom", max_length=60)
    monthly_price = models.DecimalField(verbose_name="prix mensuel", max_digits=10, decimal_places=2, help_text="EUR, TVA comprise")
    max_users = models.PositiveIntegerField(verbose_name="utilisateurs max.", null=True, blank=True, help_text="vide : illimité")
    max_locations = models.PositiveIntegerField(verbose_name="emplacements max.", null=True, blank=True, help_text="vide : illimité")
    max_ai_generations_per_month = models.PositiveIntegerField(verbose_name="générations IA par mois max.", null=True, blank=True,
                                                               help_text="vide : illimité")
    is_active = models.BooleanField(verbose_name="actif", default=True)

    class Meta:
        verbose_name = "formule"
        verbose_name_plural = "formules"
        ordering = ["monthly_price"]
        constraints = [models.CheckConstraint(condition=Q(monthly_price__gte=0), name="billing_plan_price")]

    def __str__(self):
        return self.name


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Actif"
    PAST_DUE = "past_due", "Impayé"
    CANCELLED = "cancelled", "Annulé(e)"


class Subscription(models.Model):
    """One per organisation, keyed by its schema name (no foreign key across contexts)."""
    class Meta:
        verbose_name = "abonnement"
        verbose_name_plural = "abonnements"


    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    schema_name = models.CharField(verbose_name="schéma", max_length=63, unique=True)
    plan = models.ForeignKey(Plan, verbose_name="formule", on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(verbose_name="état", max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    stripe_customer = models.CharField(verbose_name="client Stripe", max_length=100, blank=True)
    stripe_payment_method = models.CharField(verbose_name="moyen de paiement Stripe", max_length=100, blank=True)
    current_period_end = models.DateField(verbose_name="fin de la période en cours")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    def __str__(self):
        return f"{self.schema_name}: {self.plan} ({self.status})"


class SubscriptionCharge(models.Model):
    subscription = models.ForeignKey(Subscription, verbose_name="abonnement", on_delete=models.PROTECT, related_name="charges")
    period = models.CharField(verbose_name="période", max_length=7, help_text="AAAA-MM")
    amount = models.DecimalField(verbose_name="montant", max_digits=10, decimal_places=2)
    status = models.CharField(verbose_name="état", max_length=10)
    stripe_payment_intent = models.CharField(verbose_name="PaymentIntent Stripe", max_length=100, blank=True)
    failure = models.CharField(verbose_name="échec", max_length=200, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "prélèvement d'abonnement"
        verbose_name_plural = "prélèvements d'abonnement"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["subscription", "period"], name="billing_one_charge_per_period")]
