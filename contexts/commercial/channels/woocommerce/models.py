"""WooCommerce sync data (app label commercial: imported by contexts/commercial/models.py)."""
import uuid

from django.db import models
from django.db.models import Q


class WooConnection(models.Model):
    """The tenant's WooCommerce shop: one per tenant. The consumer key and secret are stored
    encrypted (Fernet, settings.WOOCOMMERCE_FERNET_KEY) and never shown back."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    singleton = models.BooleanField(verbose_name="unique", default=True, editable=False, unique=True)
    store_url = models.URLField(verbose_name="adresse de la boutique", max_length=300,
                                help_text="https://boutique.example.com (sans /wp-json)")
    consumer_key_encrypted = models.TextField(verbose_name="clé client (chiffrée)", editable=False)
    consumer_secret_encrypted = models.TextField(verbose_name="secret client (chiffré)", editable=False)
    is_active = models.BooleanField(verbose_name="synchronisation planifiée", default=True)
    location_id = models.UUIDField(verbose_name="emplacement du stock", null=True, blank=True,
                                   help_text="le stock WooCommerce est compté ici (créé au premier import si vide)")
    push_stock = models.BooleanField(verbose_name="renvoyer le stock à WooCommerce", default=False)
    synced_until = models.DateTimeField(verbose_name="synchronisé jusqu'au", null=True, blank=True,
                                        help_text="modified_after du prochain import incrémental")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "connexion WooCommerce"
        verbose_name_plural = "connexion WooCommerce"

    def __str__(self):
        return self.store_url


class SyncStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    RETRYING = "retrying", "Nouvel essai prévu"
    SUCCEEDED = "succeeded", "Réussie"
    FAILED = "failed", "Échouée"


class WooSyncRun(models.Model):
    """One sync: what was created, updated and skipped (with the reason) per kind."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    trigger = models.CharField(verbose_name="déclencheur", max_length=10, default="manual")  # manual, api, beat
    full = models.BooleanField(verbose_name="import complet", default=False, help_text="ignore modified_after")
    status = models.CharField(verbose_name="état", max_length=10, choices=SyncStatus.choices, default=SyncStatus.QUEUED)
    modified_after = models.DateTimeField(verbose_name="modifiés après", null=True, blank=True)
    report = models.JSONField(verbose_name="rapport", default=dict, blank=True)
    error = models.TextField(verbose_name="erreur", blank=True)
    attempts = models.PositiveSmallIntegerField(verbose_name="essais", default=0)
    created_at = models.DateTimeField(verbose_name="créée le", auto_now_add=True)
    started_at = models.DateTimeField(verbose_name="commencée le", null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name="terminée le", null=True, blank=True)
    singleton_guard = models.BooleanField(verbose_name="garde (une synchronisation à la fois)", default=True, editable=False)

    class Meta:
        verbose_name = "synchronisation WooCommerce"
        verbose_name_plural = "synchronisations WooCommerce"
        ordering = ["-created_at"]
        constraints = [
            # One run at a time: beat and a click on "sync now" do not import twice in parallel.
            models.UniqueConstraint(fields=["singleton_guard"], condition=Q(status__in=["queued", "running", "retrying"]),
                                    name="commercial_one_open_woo_run"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class LinkKind(models.TextChoices):
    CATEGORY = "category", "Catégorie"
    PRODUCT = "product", "Produit"
    VARIATION = "variation", "Variante"
    CUSTOMER = "customer", "Client"
    ORDER = "order", "Commande"


class WooLink(models.Model):
    """A WooCommerce object (kind, id) and the Comptoir object it became."""

    kind = models.CharField(verbose_name="type", max_length=10, choices=LinkKind.choices)
    external_id = models.BigIntegerField(verbose_name="identifiant WooCommerce")
    local_id = models.UUIDField(verbose_name="identifiant Comptoir", db_index=True)
    modified_at = models.DateTimeField(verbose_name="modifié dans WooCommerce le", null=True, blank=True)
    parent_external_id = models.BigIntegerField(verbose_name="produit WooCommerce", null=True, blank=True,
                                                help_text="le produit variable d'une variante")
    stock = models.IntegerField(verbose_name="stock connu de WooCommerce", null=True, blank=True,
                                help_text="le dernier stock lu dans WooCommerce ou envoyé à WooCommerce")
    fingerprint = models.CharField(verbose_name="empreinte", max_length=64, blank=True,
                                   help_text="des valeurs importées : inchangées, rien n'est réécrit")
    synced_at = models.DateTimeField(verbose_name="synchronisé le", auto_now=True)

    class Meta:
        verbose_name = "lien WooCommerce"
        verbose_name_plural = "liens WooCommerce"
        ordering = ["kind", "external_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "external_id"], name="commercial_woolink_unique")]
