import uuid

from django.db import models
from django.db.models import Q


class Plan(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    monthly_price = models.DecimalField(max_digits=10, decimal_places=2, help_text="EUR, VAT included")
    max_users = models.PositiveIntegerField(null=True, blank=True, help_text="empty: unlimited")
    max_locations = models.PositiveIntegerField(null=True, blank=True, help_text="empty: unlimited")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["monthly_price"]
        constraints = [models.CheckConstraint(condition=Q(monthly_price__gte=0), name="billing_plan_price")]

    def __str__(self):
        return self.name


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELLED = "cancelled", "Cancelled"


class Subscription(models.Model):
    """One per organisation, keyed by its schema name (no foreign key across contexts)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    schema_name = models.CharField(max_length=63, unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    stripe_customer = models.CharField(max_length=100, blank=True)
    stripe_payment_method = models.CharField(max_length=100, blank=True)
    current_period_end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.schema_name}: {self.plan} ({self.status})"


class SubscriptionCharge(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="charges")
    period = models.CharField(max_length=7, help_text="YYYY-MM")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10)
    stripe_payment_intent = models.CharField(max_length=100, blank=True)
    failure = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["subscription", "period"], name="billing_one_charge_per_period")]
