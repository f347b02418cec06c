"""Logistics data: shipments (lines, parcels, history, tracking), carriers and their rates,
click and collect, postal dispatch of documents. Orders, clients, variants and locations belong
to other contexts and are kept by UUID, never by foreign key."""
import uuid

from django.db import models
from django.db.models import Q


class ShipmentStatus(models.TextChoices):
    TO_PICK = "to_pick", "À préparer"
    PICKED = "picked", "Prélevée"
    PACKED = "packed", "Emballée"
    SHIPPED = "shipped", "Expédiée"
    IN_TRANSIT = "in_transit", "En transit"
    DELIVERED = "delivered", "Livrée"
    FAILED_DELIVERY = "failed_delivery", "Échec de livraison"
    RETURNED = "returned", "Retournée"
    CANCELLED = "cancelled", "Annulée"


S = ShipmentStatus
TRANSITIONS = {
    S.TO_PICK: {S.PICKED, S.CANCELLED},
    S.PICKED: {S.PACKED, S.CANCELLED},
    S.PACKED: {S.SHIPPED, S.CANCELLED},
    S.SHIPPED: {S.IN_TRANSIT, S.DELIVERED, S.FAILED_DELIVERY, S.RETURNED},
    S.IN_TRANSIT: {S.DELIVERED, S.FAILED_DELIVERY, S.RETURNED},
    S.FAILED_DELIVERY: {S.IN_TRANSIT, S.DELIVERED, S.RETURNED},
    S.DELIVERED: {S.RETURNED},
    S.RETURNED: set(),
    S.CANCELLED: set(),
}


class Zone(models.TextChoices):
    FR = "fr", "France"
    EU = "eu", "Union européenne"
    WORLD = "world", "Monde"


class Carrier(models.Model):
    """A carrier account of the tenant (a Sendcloud-like REST API)."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(verbose_name="code", max_length=30, unique=True)
    name = models.CharField(verbose_name="nom", max_length=100)
    api_base = models.URLField(verbose_name="adresse de l'API", help_text="ex. https://panel.sendcloud.sc")
    api_key = models.CharField(verbose_name="clé publique", max_length=200, blank=True)
    api_secret = models.CharField(verbose_name="clé secrète", max_length=200, blank=True)
    webhook_secret = models.CharField(verbose_name="secret des webhooks", max_length=200, blank=True,
                                      help_text="signe (HMAC-SHA256) les suivis envoyés par le transporteur")
    is_active = models.BooleanField(verbose_name="actif", default=True)

    class Meta:
        verbose_name = "transporteur"
        verbose_name_plural = "transporteurs"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Rate(models.Model):
    """One line of a carrier's rate table: a service, a destination zone, a weight band (up to
    `max_weight_grams`, above the previous band of the same service and zone)."""

    carrier = models.ForeignKey(Carrier, verbose_name="transporteur", on_delete=models.CASCADE, related_name="rates")
    service = models.CharField(verbose_name="service", max_length=40)
    zone = models.CharField(verbose_name="zone", max_length=5, choices=Zone.choices)
    max_weight_grams = models.PositiveIntegerField(verbose_name="poids maximum (g)")
    price = models.DecimalField(verbose_name="prix TTC", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "tarif"
        verbose_name_plural = "tarifs"
        ordering = ["carrier", "service", "zone", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "service", "zone", "max_weight_grams"], name="logistics_rate_band_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="logistics_rate_price_positive"),
            models.CheckConstraint(condition=Q(max_weight_grams__gt=0), name="logistics_rate_weight_positive"),
        ]


class Shelf(models.Model):
    """Where a variant is shelved in a location (the pick list walks the shelves in order)."""

    location_id = models.UUIDField(verbose_name="emplacement")
    variant_id = models.UUIDField(verbose_name="variante")
    shelf = models.CharField(verbose_name="rayon", max_length=30)

    class Meta:
        verbose_name = "rayon"
        verbose_name_plural = "rayons"
        constraints = [models.UniqueConstraint(fields=["location_id", "variant_id"], name="logistics_shelf_unique")]


class LabelState(models.TextChoices):
    NONE = "", "Aucune"
    REQUESTED = "requested", "Demandée au transporteur"
    READY = "ready", "Prête"
    FAILED = "failed", "Refusée par le transporteur"


class Shipment(models.Model):
    """The part of an order sent from one location (an order from several locations has several)."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(verbose_name="commande", db_index=True)
    client_id = models.UUIDField(verbose_name="client", db_index=True)
    location_id = models.UUIDField(verbose_name="emplacement d'expédition", db_index=True)
    status = models.CharField(verbose_name="état", max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.TO_PICK)
    recipient_name = models.CharField(verbose_name="destinataire", max_length=200)
    address_line = models.CharField(verbose_name="adresse", max_length=200, blank=True)
    postal_code = models.CharField(verbose_name="code postal", max_length=10, blank=True)
    city = models.CharField(verbose_name="ville", max_length=100, blank=True)
    country = models.CharField(verbose_name="pays", max_length=2, default="FR")
    email = models.EmailField(verbose_name="e-mail", blank=True)
    carrier = models.ForeignKey(Carrier, verbose_name="transporteur", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="shipments")
    service = models.CharField(verbose_name="service", max_length=40, blank=True)
    tracking_number = models.CharField(verbose_name="n° de suivi", max_length=60, blank=True)
    carrier_reference = models.CharField(verbose_name="référence transporteur", max_length=60, blank=True)
    label = models.FileField(verbose_name="étiquette (PDF)", upload_to="logistics/labels/", blank=True)
    label_state = models.CharField(verbose_name="étiquette", max_length=10, choices=LabelState.choices, blank=True, default="")
    label_error = models.CharField(verbose_name="erreur du transporteur", max_length=200, blank=True)
    shipping_cost = models.DecimalField(verbose_name="coût du transport", max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créée le", auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name="modifiée le", auto_now=True)

    class Meta:
        verbose_name = "expédition"
        verbose_name_plural = "expéditions"
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order_id", "location_id"], name="logistics_one_shipment_per_order_location"),
            models.UniqueConstraint(fields=["carrier", "tracking_number"], condition=~Q(tracking_number=""),
                                    name="logistics_tracking_number_unique"),
            models.CheckConstraint(condition=Q(shipping_cost__isnull=True) | Q(shipping_cost__gte=0),
                                   name="logistics_shipping_cost_positive"),
        ]

    def __str__(self):
        return f"Expédition {str(self.id)[:8]}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, verbose_name="expédition", on_delete=models.CASCADE, related_name="lines")
    variant_id = models.UUIDField(verbose_name="variante")
    label = models.CharField(verbose_name="libellé", max_length=300, blank=True)
    quantity = models.PositiveIntegerField(verbose_name="quantité")

    class Meta:
        verbose_name = "ligne d'expédition"
        verbose_name_plural = "lignes d'expédition"
        ordering = ["shipment", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="logistics_line_quantity_positive")]


class Parcel(models.Model):
    shipment = models.ForeignKey(Shipment, verbose_name="expédition", on_delete=models.CASCADE, related_name="parcels")
    weight_grams = models.PositiveIntegerField(verbose_name="poids (g)")
    length_cm = models.PositiveIntegerField(verbose_name="longueur (cm)")
    width_cm = models.PositiveIntegerField(verbose_name="largeur (cm)")
    height_cm = models.PositiveIntegerField(verbose_name="hauteur (cm)")

    class Meta:
        verbose_name = "colis"
        verbose_name_plural = "colis"
        ordering = ["shipment", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight_grams__gt=0) & Q(weight_grams__lte=70000), name="logistics_parcel_weight"),
            models.CheckConstraint(condition=Q(length_cm__gt=0) & Q(width_cm__gt=0) & Q(height_cm__gt=0),
                                   name="logistics_parcel_dimensions"),
        ]


class ShipmentChange(models.Model):
    """The shipment's history: every change of state, whoever made it."""

    shipment = models.ForeignKey(Shipment, verbose_name="expédition", on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(verbose_name="état précédent", max_length=16, blank=True)
    to_status = models.CharField(verbose_name="nouvel état", max_length=16)
    note = models.CharField(verbose_name="note", max_length=200, blank=True)
    at = models.DateTimeField(verbose_name="date", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état"
        verbose_name_plural = "historique des états"
        ordering = ["shipment", "at", "id"]


class TrackingEvent(models.Model):
    """A tracking event from the carrier (webhook or polling), recorded once by its id."""

    shipment = models.ForeignKey(Shipment, verbose_name="expédition", on_delete=models.CASCADE, related_name="tracking")
    external_id = models.CharField(verbose_name="identifiant transporteur", max_length=100)
    carrier_status = models.CharField(verbose_name="statut transporteur", max_length=60)
    status = models.CharField(verbose_name="état", max_length=16, choices=ShipmentStatus.choices, blank=True)
    description = models.CharField(verbose_name="description", max_length=200, blank=True)
    occurred_at = models.DateTimeField(verbose_name="survenu le")
    received_at = models.DateTimeField(verbose_name="reçu le", auto_now_add=True)

    class Meta:
        verbose_name = "événement de suivi"
        verbose_name_plural = "événements de suivi"
        ordering = ["shipment", "occurred_at", "id"]
        constraints = [models.UniqueConstraint(fields=["shipment", "external_id"], name="logistics_tracking_once")]


class CollectionStatus(models.TextChoices):
    RESERVED = "reserved", "À préparer"
    READY = "ready", "Prête"
    COLLECTED = "collected", "Retirée"
    CANCELLED = "cancelled", "Annulée (non retirée)"


class Collection(models.Model):
    """Click and collect: an order to hand over at a shop, its stock reserved there."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(verbose_name="commande", unique=True)
    client_id = models.UUIDField(verbose_name="client", db_index=True)
    location_id = models.UUIDField(verbose_name="boutique", db_index=True)
    email = models.EmailField(verbose_name="e-mail", blank=True)
    code = models.CharField(verbose_name="code de retrait", max_length=8)
    status = models.CharField(verbose_name="état", max_length=10, choices=CollectionStatus.choices, default=CollectionStatus.RESERVED)
    lines = models.JSONField(verbose_name="articles", default=list)
    created_at = models.DateTimeField(verbose_name="créée le", auto_now_add=True)
    ready_at = models.DateTimeField(verbose_name="prête le", null=True, blank=True)
    closed_at = models.DateTimeField(verbose_name="clôturée le", null=True, blank=True)

    class Meta:
        verbose_name = "retrait en boutique"
        verbose_name_plural = "retraits en boutique"
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ready_at__isnull=True) | ~Q(status="reserved"),
                                              name="logistics_collection_ready_has_date")]


class DispatchKind(models.TextChoices):
    SIMPLE = "simple", "Lettre simple"
    REGISTERED = "registered", "Lettre recommandée"
    REGISTERED_AR = "registered_ar", "Recommandé avec accusé de réception"


class DispatchStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SUBMITTED = "submitted", "Déposée"
    PRINTED = "printed", "Imprimée"
    POSTED = "posted", "Postée"
    DELIVERED = "delivered", "Distribuée"
    RETURNED = "returned", "Retournée à l'expéditeur"
    FAILED = "failed", "Refusée par le prestataire"


DISPATCH_ORDER = [DispatchStatus.PENDING, DispatchStatus.SUBMITTED, DispatchStatus.PRINTED, DispatchStatus.POSTED]
DISPATCH_FINAL = {DispatchStatus.DELIVERED, DispatchStatus.RETURNED, DispatchStatus.FAILED}


class Dispatch(models.Model):
    """A document sent as physical mail through the postal provider."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(verbose_name="type d'envoi", max_length=16, choices=DispatchKind.choices)
    address_lines = models.JSONField(verbose_name="bloc adresse", help_text="6 lignes au plus, 38 caractères chacune")
    postal_code = models.CharField(verbose_name="code postal", max_length=5)
    city = models.CharField(verbose_name="ville", max_length=38)
    document = models.FileField(verbose_name="document (PDF)", upload_to="logistics/dispatches/")
    status = models.CharField(verbose_name="état", max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING)
    provider_reference = models.CharField(verbose_name="référence prestataire", max_length=60, blank=True)
    error = models.CharField(verbose_name="erreur", max_length=200, blank=True)
    cost = models.DecimalField(verbose_name="coût", max_digits=8, decimal_places=2, null=True, blank=True)
    proof = models.FileField(verbose_name="preuve de distribution (PDF)", upload_to="logistics/proofs/", blank=True)
    source = models.CharField(verbose_name="origine", max_length=40, blank=True, help_text="ex. finance.dunning")
    source_id = models.CharField(verbose_name="référence d'origine", max_length=100, blank=True)
    invoice_id = models.UUIDField(verbose_name="facture", null=True, blank=True, db_index=True)
    client_id = models.UUIDField(verbose_name="client", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "envoi postal"
        verbose_name_plural = "envois postaux"
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], condition=~Q(source=""), name="logistics_dispatch_once_per_source"),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gte=0), name="logistics_dispatch_cost_positive"),
        ]

    def __str__(self):
        return f"Envoi {str(self.id)[:8]}"


class DispatchChange(models.Model):
    dispatch = models.ForeignKey(Dispatch, verbose_name="envoi", on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(verbose_name="état précédent", max_length=10, blank=True)
    to_status = models.CharField(verbose_name="nouvel état", max_length=10)
    at = models.DateTimeField(verbose_name="date", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état"
        verbose_name_plural = "historique des états"
        ordering = ["dispatch", "at", "id"]
