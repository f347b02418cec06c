"""AI content data: the tenant's provider settings (one row), the generation jobs (a proposal
each, reviewed by staff) and the accepted SEO text of a product. Imported by catalog/models.py."""
import uuid

from django.db import models
from django.db.models import Q


class AiSettings(models.Model):
    """The tenant's provider: one row (id 1). The API key is write-only (never returned by the
    API, masked in the audit trail)."""

    id = models.PositiveSmallIntegerField(verbose_name="identifiant", primary_key=True, default=1, editable=False)
    is_enabled = models.BooleanField(verbose_name="activé", default=True)
    base_url = models.URLField(verbose_name="URL de base", blank=True, help_text="compatible OpenAI, ex. https://api.example.com/v1")
    model = models.CharField(verbose_name="modèle", max_length=100, blank=True)
    api_key = models.CharField(verbose_name="clé d'API", max_length=300, blank=True)
    price_per_1k_input_tokens = models.DecimalField(verbose_name="prix pour 1000 jetons en entrée", max_digits=10,
                                                    decimal_places=6, default=0, help_text="EUR")
    price_per_1k_output_tokens = models.DecimalField(verbose_name="prix pour 1000 jetons en sortie", max_digits=10,
                                                     decimal_places=6, default=0, help_text="EUR")
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "réglages IA"
        verbose_name_plural = "réglages IA"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="catalog_aisettings_single_row"),
            models.CheckConstraint(condition=Q(price_per_1k_input_tokens__gte=0) & Q(price_per_1k_output_tokens__gte=0),
                                   name="catalog_aisettings_prices_not_negative"),
        ]

    def __str__(self):
        return f"{self.model or '—'} @ {self.base_url or '—'}"

    @property
    def is_configured(self) -> bool:
        return bool(self.is_enabled and self.base_url and self.model)


class GenerationKind(models.TextChoices):
    DESCRIPTION = "description", "Description"
    SEO = "seo", "Texte SEO"
    ALT_TEXT = "alt_text", "Texte alternatif d'image"


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", "En file"
    RUNNING = "running", "En cours"
    PROPOSED = "proposed", "Proposé"
    ACCEPTED = "accepted", "Accepté"
    REJECTED = "rejected", "Rejeté"
    FAILED = "failed", "Échec"


class GenerationJob(models.Model):
    """One generated text: queued, run by a Celery task against the provider (or taken from the
    cache of an earlier job with the same input hash), then a proposal until staff accept or
    reject it. Only acceptance writes into the product."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey("catalog.Product", verbose_name="produit", on_delete=models.CASCADE, related_name="generation_jobs")
    image = models.ForeignKey("catalog.ProductImage", verbose_name="image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="generation_jobs")
    kind = models.CharField(verbose_name="type", max_length=12, choices=GenerationKind.choices)
    status = models.CharField(verbose_name="statut", max_length=10, choices=GenerationStatus.choices,
                              default=GenerationStatus.QUEUED, db_index=True)
    model = models.CharField(verbose_name="modèle", max_length=100)
    prompt = models.TextField(verbose_name="demande envoyée")
    input_hash = models.CharField(verbose_name="empreinte de l'entrée", max_length=64, db_index=True)
    proposal = models.TextField(verbose_name="proposition", blank=True)
    final_text = models.TextField(verbose_name="texte retenu", blank=True)
    from_cache = models.BooleanField(verbose_name="depuis le cache", default=False)
    tokens_in = models.PositiveIntegerField(verbose_name="jetons en entrée", default=0)
    tokens_out = models.PositiveIntegerField(verbose_name="jetons en sortie", default=0)
    cost = models.DecimalField(verbose_name="coût", max_digits=12, decimal_places=6, default=0, help_text="EUR")
    attempts = models.PositiveSmallIntegerField(verbose_name="tentatives", default=0)
    error = models.CharField(verbose_name="erreur", max_length=300, blank=True)
    requested_by = models.CharField(verbose_name="demandé par", max_length=200, blank=True)
    reviewed_by = models.CharField(verbose_name="relu par", max_length=200, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(verbose_name="terminé le", null=True, blank=True)
    reviewed_at = models.DateTimeField(verbose_name="relu le", null=True, blank=True)

    class Meta:
        verbose_name = "génération IA"
        verbose_name_plural = "générations IA"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="catalog_generation_cost_not_negative"),
            models.CheckConstraint(condition=~Q(status="accepted") | ~Q(final_text=""), name="catalog_generation_accepted_has_text"),
            models.CheckConstraint(condition=~Q(status__in=["proposed", "accepted", "rejected"]) | ~Q(proposal=""),
                                   name="catalog_generation_proposal_has_text"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.product_id}"


class ProductSeoText(models.Model):
    """The accepted short SEO text (meta description) of a product."""

    product = models.OneToOneField("catalog.Product", verbose_name="produit", primary_key=True, on_delete=models.CASCADE,
                                   related_name="seo_text")
    meta_description = models.CharField(verbose_name="méta-description", max_length=320)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "texte SEO"
        verbose_name_plural = "textes SEO"

    def __str__(self):
        return self.meta_description[:60]
