"""Inventory data: one stock truth per variant and location, an append-only ledger of
movements, reservations, transfers, alerts. Variants and products are catalog's: kept by UUID
(a variant never changes product, so its product_id is kept beside it)."""

from django.db import models
from django.db.models import F, Q
from crm.models import UUIDModel


class LocationKind(models.TextChoices):
    SHOP = "shop", "Boutique"
    WAREHOUSE = "warehouse", "Entrepôt"


class Location(UUIDModel):
    code = models.SlugField(verbose_name="code", max_length=30, unique=True)
    name = models.CharField(verbose_name="nom", max_length=120)
    kind = models.CharField(verbose_name="type", max_length=10, choices=LocationKind.choices)
    serves_web = models.BooleanField(verbose_name="sert la boutique en ligne", default=False, help_text="les commandes en ligne peuvent prendre du stock ici")
    is_active = models.BooleanField(verbose_name="actif", default=True)

    class Meta:
        verbose_name = "emplacement"
        verbose_name_plural = "emplacements"
        ordering = ["code"]

    def __str__(self):
        return self.name


class StockItem(models.Model):
    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    variant_id = models.UUIDField(verbose_name="variante")
    product_id = models.UUIDField(verbose_name="produit", db_index=True)
    location = models.ForeignKey(Location, verbose_name="emplacement", on_delete=models.PROTECT, related_name="stock")
    on_hand = models.IntegerField(verbose_name="en stock", default=0)
    reserved = models.IntegerField(verbose_name="réservé", default=0)
    reorder_point = models.PositiveIntegerField(verbose_name="point de commande", default=0)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "stock"
        verbose_name_plural = "stocks"
        ordering = ["location", "variant_id"]
        constraints = [
            models.UniqueConstraint(fields=["variant_id", "location"], name="inventory_stock_unique"),
            # on_hand may go below zero (and below `reserved`) through one path only: a till sale
            # of goods in the customer's hand (services.till_movements); an alert then asks for a
            # count. Every other decrease is a conditional UPDATE that never takes more than is free.
            models.CheckConstraint(condition=Q(reserved__gte=0), name="inventory_reserved_not_negative"),
        ]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Réception"
    SALE = "sale", "Vente"
    RETURN = "return", "Retour"
    TRANSFER_OUT = "transfer_out", "Transfert sortant"
    TRANSFER_IN = "transfer_in", "Transfert entrant"
    ADJUSTMENT = "adjustment", "Ajustement"
    COUNT = "count", "Inventaire"


class StockMovement(models.Model):
    """The ledger: every change of on-hand stock, signed. Never updated nor deleted (the
    database refuses); stock can be rebuilt from it."""

    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    variant_id = models.UUIDField(verbose_name="variante", db_index=True)
    location = models.ForeignKey(Location, verbose_name="emplacement", on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(verbose_name="type", max_length=12, choices=MovementKind.choices)
    quantity = models.IntegerField(verbose_name="quantité")
    reference = models.CharField(verbose_name="référence", max_length=100, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "mouvement de stock"
        verbose_name_plural = "mouvements de stock"
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="inventory_movement_not_zero")]


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", "Actif"
    RELEASED = "released", "Libérée"
    EXPIRED = "expired", "Expirée"
    COMMITTED = "committed", "Consommée"


class Reservation(UUIDModel):
    variant_id = models.UUIDField(verbose_name="variante")
    location = models.ForeignKey(Location, verbose_name="emplacement", on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField(verbose_name="quantité")
    reference = models.CharField(verbose_name="référence", max_length=100)
    owner = models.CharField(verbose_name="détenteur", max_length=100, blank=True, db_index=True,
                             help_text="qui la détient (une clé du contexte appelant, opaque ici)")
    status = models.CharField(verbose_name="état", max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE)
    expires_at = models.DateTimeField(verbose_name="expire le")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    closed_at = models.DateTimeField(verbose_name="clôturé le", null=True, blank=True)

    class Meta:
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], condition=Q(status="active"), name="inventory_active_expiry")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_reservation_positive")]


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "Demandé"
    SHIPPED = "shipped", "Expédié (en transit)"
    RECEIVED = "received", "Reçu"
    CANCELLED = "cancelled", "Annulé(e)"


class Transfer(UUIDModel):
    source = models.ForeignKey(Location, verbose_name="source", on_delete=models.PROTECT, related_name="transfers_out")
    destination = models.ForeignKey(Location, verbose_name="destination", on_delete=models.PROTECT, related_name="transfers_in")
    status = models.CharField(verbose_name="état", max_length=10, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    shipped_at = models.DateTimeField(verbose_name="expédié le", null=True, blank=True)
    received_at = models.DateTimeField(verbose_name="reçu le", null=True, blank=True)

    class Meta:
        verbose_name = "transfert"
        verbose_name_plural = "transferts"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(source=F("destination")), name="inventory_transfer_two_places")]


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, verbose_name="transfert", on_delete=models.CASCADE, related_name="lines")
    variant_id = models.UUIDField(verbose_name="variante")
    product_id = models.UUIDField(verbose_name="produit")
    quantity = models.PositiveIntegerField(verbose_name="quantité")

    class Meta:
        verbose_name = "ligne de transfert"
        verbose_name_plural = "lignes de transfert"
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_transfer_line_positive")]


class StockAlert(models.Model):
    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    variant_id = models.UUIDField(verbose_name="variante")
    product_id = models.UUIDField(verbose_name="produit")
    location = models.ForeignKey(Location, verbose_name="emplacement", on_delete=models.PROTECT, related_name="alerts")
    available = models.IntegerField(verbose_name="disponible")
    reorder_point = models.PositiveIntegerField(verbose_name="point de commande")
    is_open = models.BooleanField(verbose_name="ouverte", default=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    closed_at = models.DateTimeField(verbose_name="clôturé le", null=True, blank=True)

    class Meta:
        verbose_name = "alerte de stock"
        verbose_name_plural = "alertes de stock"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["variant_id", "location"], condition=Q(is_open=True),
                                               name="inventory_one_open_alert")]
