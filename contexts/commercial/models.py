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
    request_fingerprint = models.CharField(max_length=64, blank=True,
                                           help_text="hash of the checkout request: its key replayed with another body is refused")
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


class SalesAgent(models.Model):
    """An "apporteur d'affaires": brings clients, earns commissions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class ScaleKind(models.TextChoices):
    PROGRESSIVE = "progressive", "Progressive (each tranche at its own rate)"
    SLAB = "slab", "By slab (the rate of the tier reached)"


class ScaleBasis(models.TextChoices):
    INVOICED = "invoiced", "On invoiced amounts"
    COLLECTED = "collected", "On collected amounts"


class CommissionScale(models.Model):
    """A "barème": tiers of the agent's monthly volume (excl. VAT) and their rates."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=ScaleKind.choices)
    basis = models.CharField(max_length=10, choices=ScaleBasis.choices, default=ScaleBasis.COLLECTED)
    category_id = models.UUIDField(null=True, blank=True, help_text="only sales in this catalog category (and below)")

    def __str__(self):
        return self.name


class CommissionTier(models.Model):
    scale = models.ForeignKey(CommissionScale, on_delete=models.CASCADE, related_name="tiers")
    threshold = models.DecimalField(max_digits=14, decimal_places=2, help_text="monthly volume from which the rate applies")
    rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="percent")

    class Meta:
        ordering = ["scale", "threshold"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "threshold"], name="commercial_tier_unique"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100), name="commercial_tier_rate"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="commercial_tier_threshold"),
        ]


class AgentAssignment(models.Model):
    """The agent who brought a client, paid on that client's sales with a scale."""

    agent = models.ForeignKey(SalesAgent, on_delete=models.PROTECT, related_name="assignments")
    client_id = models.UUIDField(unique=True)
    scale = models.ForeignKey(CommissionScale, on_delete=models.PROTECT, related_name="assignments")


class Commission(models.Model):
    """One commission line: earned on a payment (or an invoice), reversed on a credit note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agent = models.ForeignKey(SalesAgent, on_delete=models.PROTECT, related_name="commissions")
    client_id = models.UUIDField()
    source = models.CharField(max_length=20)  # payment, invoice, credit_note
    source_id = models.UUIDField()
    invoice_id = models.UUIDField(null=True, blank=True, db_index=True)
    base = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    period = models.CharField(max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["agent", "source", "source_id", "invoice_id"], name="commercial_commission_once")]


class CommissionStatement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agent = models.ForeignKey(SalesAgent, on_delete=models.PROTECT, related_name="statements")
    period = models.CharField(max_length=7)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    lines = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "period"], name="commercial_one_statement_per_month")]


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    TERMINATED = "terminated", "Terminated"


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class Contract(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(db_index=True)
    agent = models.ForeignKey(SalesAgent, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    start_date = models.DateField()
    end_date = models.DateField()
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices, default=Recurrence.MONTHLY)
    tacit_renewal = models.BooleanField(default=True, help_text="renewed for the same length unless terminated")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="commercial_contract_dates")]

    def __str__(self):
        return self.title


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    label = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=3)
    unit_price_net = models.DecimalField(max_digits=12, decimal_places=4, help_text="per period, excl. VAT")
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=20)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(unit_price_net__gte=0), name="commercial_contract_line_values")]


class OrderReturn(models.Model):
    """A return of some of an order's lines: stock back, a credit note, a refund."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    lines = models.JSONField(help_text='[{"variant_id", "quantity"}]')
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=200, blank=True)
    credit_note_number = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
