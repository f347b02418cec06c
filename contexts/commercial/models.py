"""Commercial data: carts, orders and their history. Variants, customers, clients and payments
belong to other contexts and are kept by UUID."""
import uuid

from django.db import models
from django.db.models import Q


class CartStatus(models.TextChoices):
    OPEN = "open", "Open"
    CHECKED_OUT = "checked_out", "Checked out"
    ABANDONED = "abandoned", "Abandoned"


class Cart(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session_id = models.CharField(max_length=64, help_text="chosen by the shop front, for anonymous carts")
    customer_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=CartStatus.choices, default=CartStatus.OPEN)
    coupon = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    recovery_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session_id"], condition=Q(status="open"), name="commercial_one_open_cart_per_session")]

    @property
    def reference(self) -> str:
        return f"cart:{self.id}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant_id = models.UUIDField()
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["cart", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant_id"], name="commercial_cart_item_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commercial_cart_item_positive"),
        ]


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed"
    PAID = "paid", "Paid"
    PREPARING = "preparing", "Preparing"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    RETURNED = "returned", "Returned / refunded"


TRANSITIONS = {
    OrderStatus.PLACED: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.PREPARING, OrderStatus.CANCELLED},
    OrderStatus.PREPARING: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED, OrderStatus.RETURNED},
    OrderStatus.DELIVERED: {OrderStatus.RETURNED},
    OrderStatus.CANCELLED: set(),
    OrderStatus.RETURNED: set(),
}


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(max_length=100, unique=True)
    customer_id = models.UUIDField(null=True, blank=True, db_index=True)
    client_id = models.UUIDField(db_index=True)
    cart_id = models.UUIDField(null=True, blank=True)
    channel = models.CharField(max_length=4, default="web")
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    subtotal = models.DecimalField(max_digits=14, decimal_places=2)
    shipping_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, help_text="VAT included")
    vat_breakdown = models.JSONField(default=dict)
    coupon = models.CharField(max_length=40, blank=True)
    payment_id = models.UUIDField(null=True, blank=True)
    invoice_number = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(total=models.F("subtotal") + models.F("shipping_fee")), name="commercial_order_total"),
            models.CheckConstraint(condition=Q(total__gte=0), name="commercial_order_total_positive"),
        ]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant_id = models.UUIDField()
    label = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, help_text="VAT included")
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "at", "id"]
