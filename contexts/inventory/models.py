"""Inventory data: one stock truth per variant and location, an append-only ledger of
movements, reservations, transfers, alerts. Variants and products are catalog's: kept by UUID
(a variant never changes product, so its product_id is kept beside it)."""
import uuid

from django.db import models
from django.db.models import F, Q


class LocationKind(models.TextChoices):
    SHOP = "shop", "Shop"
    WAREHOUSE = "warehouse", "Warehouse"


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=LocationKind.choices)
    serves_web = models.BooleanField(default=False, help_text="web orders may take stock here")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class StockItem(models.Model):
    id = models.BigAutoField(primary_key=True)
    variant_id = models.UUIDField()
    product_id = models.UUIDField(db_index=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock")
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    reorder_point = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["location", "variant_id"]
        constraints = [
            models.UniqueConstraint(fields=["variant_id", "location"], name="inventory_stock_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="inventory_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="inventory_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="inventory_reserved_within_on_hand"),
        ]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    SALE = "sale", "Sale"
    RETURN = "return", "Return"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    ADJUSTMENT = "adjustment", "Adjustment"
    COUNT = "count", "Count"


class StockMovement(models.Model):
    """The ledger: every change of on-hand stock, signed. Never updated nor deleted (the
    database refuses); stock can be rebuilt from it."""

    id = models.BigAutoField(primary_key=True)
    variant_id = models.UUIDField(db_index=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=12, choices=MovementKind.choices)
    quantity = models.IntegerField()
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="inventory_movement_not_zero")]


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RELEASED = "released", "Released"
    EXPIRED = "expired", "Expired"
    COMMITTED = "committed", "Committed"


class Reservation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    variant_id = models.UUIDField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    reference = models.CharField(max_length=100, help_text="who holds it, e.g. cart:<id> or order:<id>")
    status = models.CharField(max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], condition=Q(status="active"), name="inventory_active_expiry")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_reservation_positive")]


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SHIPPED = "shipped", "Shipped (in transit)"
    RECEIVED = "received", "Received"
    CANCELLED = "cancelled", "Cancelled"


class Transfer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="transfers_out")
    destination = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="transfers_in")
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(source=F("destination")), name="inventory_transfer_two_places")]


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    variant_id = models.UUIDField()
    product_id = models.UUIDField()
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_transfer_line_positive")]


class StockAlert(models.Model):
    id = models.BigAutoField(primary_key=True)
    variant_id = models.UUIDField()
    product_id = models.UUIDField()
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="alerts")
    available = models.IntegerField()
    reorder_point = models.PositiveIntegerField()
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["variant_id", "location"], condition=Q(is_open=True),
                                               name="inventory_one_open_alert")]
