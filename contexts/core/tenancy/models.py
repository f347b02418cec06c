from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

schema_name_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,40}$", "lowercase letters, digits and _; starts with a letter; 2 to 41 characters"
)


class Organisation(TenantMixin):
    """A customer business of the platform: one PostgreSQL schema."""

    name = models.CharField(verbose_name="nom", max_length=200)
    legal_name = models.CharField(verbose_name="raison sociale", max_length=200, blank=True)
    siren = models.CharField(verbose_name="SIREN", max_length=9, blank=True, validators=[RegexValidator(r"^\d{9}$", "9 digits")])
    vat_number = models.CharField(verbose_name="n° TVA intracommunautaire", max_length=20, blank=True)
    address_line = models.CharField(verbose_name="adresse", max_length=200, blank=True)
    postal_code = models.CharField(verbose_name="code postal", max_length=10, blank=True)
    city = models.CharField(verbose_name="ville", max_length=100, blank=True)
    country = models.CharField(verbose_name="pays", max_length=2, default="FR")
    email = models.EmailField(verbose_name="e-mail", blank=True)
    iban = models.CharField(verbose_name="IBAN", max_length=34, blank=True)
    is_active = models.BooleanField(verbose_name="actif", default=True)
    # Entitlements of its plan, kept here by finance's billing (empty: no subscription, no limit).
    plan_name = models.CharField(verbose_name="formule", max_length=60, blank=True)
    plan_cancelled = models.BooleanField(verbose_name="abonnement annulé", default=False)
    max_users = models.PositiveIntegerField(verbose_name="utilisateurs max.", null=True, blank=True)
    max_locations = models.PositiveIntegerField(verbose_name="emplacements max.", null=True, blank=True)
    max_ai_generations_per_month = models.PositiveIntegerField(verbose_name="générations IA par mois max.", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Domain(DomainMixin):
    class Meta:
        verbose_name = "domaine"
        verbose_name_plural = "domaines"
        ordering = ["domain"]
