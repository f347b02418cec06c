"""Finance data: invoices and credit notes (immutable once issued), their numbering.

Other contexts are referenced by UUID (client_id, order_id, contract_id), never by foreign key.
Money is Decimal: amounts to the cent, unit prices to 4 places, ROUND_HALF_UP."""
import uuid

from django.db import models
from django.db.models import Q


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Facture"
    CREDIT_NOTE = "credit_note", "Avoir"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    ISSUED = "issued", "Émise"


class InvoiceSequence(models.Model):
    """The last number given per prefix and year: one gapless sequence each. Its row is locked
    (SELECT ... FOR UPDATE) by the transaction that issues, so numbers follow commit order and a
    failed issue gives its number back."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="finance_sequence_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Invoice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    status = models.CharField(max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    sequence_year = models.PositiveIntegerField(null=True, blank=True)
    sequence_number = models.PositiveIntegerField(null=True, blank=True)
    original = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes",
                                 help_text="The invoice a credit note corrects.")

    client_id = models.UUIDField(db_index=True)
    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    contract_id = models.UUIDField(null=True, blank=True, db_index=True)

    # What the document says, frozen at issue (the client may move; the invoice does not).
    buyer_name = models.CharField(max_length=200, blank=True)
    buyer_is_business = models.BooleanField(default=False)
    buyer_siren = models.CharField(max_length=9, blank=True)
    buyer_vat_number = models.CharField(max_length=20, blank=True)
    buyer_address = models.CharField(max_length=200, blank=True)
    buyer_postal_code = models.CharField(max_length=10, blank=True)
    buyer_city = models.CharField(max_length=100, blank=True)
    buyer_country = models.CharField(max_length=2, default="FR")
    buyer_email = models.EmailField(blank=True)
    seller_name = models.CharField(max_length=200, blank=True)
    seller_siren = models.CharField(max_length=9, blank=True)
    seller_vat_number = models.CharField(max_length=20, blank=True)
    seller_address = models.CharField(max_length=200, blank=True)
    seller_postal_code = models.CharField(max_length=10, blank=True)
    seller_city = models.CharField(max_length=100, blank=True)
    seller_iban = models.CharField(max_length=34, blank=True)

    currency = models.CharField(max_length=3, default="EUR")
    issue_date = models.DateField(null=True, blank=True)
    delivery_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    notes = models.TextField(blank=True)

    total_net = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total_vat = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total_gross = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "issue_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(number__isnull=False) & Q(issue_date__isnull=False)
                                               & Q(sequence_number__isnull=False)),
                name="finance_invoice_issued_numbered",
            ),
            models.CheckConstraint(condition=Q(kind="invoice") | Q(original__isnull=False),
                                   name="finance_credit_note_has_original"),
            models.CheckConstraint(condition=Q(total_gross=models.F("total_net") + models.F("total_vat")),
                                   name="finance_invoice_totals_add_up"),
            models.UniqueConstraint(fields=["kind", "sequence_year", "sequence_number"],
                                    name="finance_invoice_sequence_unique"),
        ]

    def __str__(self):
        return self.number or f"Brouillon {str(self.id)[:8]}"

    @property
    def is_issued(self) -> bool:
        return self.status == InvoiceStatus.ISSUED


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    variant_id = models.UUIDField(null=True, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit = models.CharField(max_length=3, default="C62", help_text="UN/ECE rec 20 unit code (C62 = one)")
    unit_price_net = models.DecimalField(max_digits=14, decimal_places=4)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    line_net = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="finance_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="finance_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price_net__gte=0), name="finance_line_price_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__in=[0, 2.1, 5.5, 10, 20]), name="finance_line_vat_rate_french"),
        ]


class InvoiceVatLine(models.Model):
    """VAT per rate (EN 16931 BG-23): base x rate, rounded to the cent, per rate."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_lines")
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    base = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["invoice", "-rate"]
        constraints = [models.UniqueConstraint(fields=["invoice", "rate"], name="finance_vat_line_unique")]


def _document_path(instance, filename):
    from django.db import connection

    return f"{connection.schema_name}/invoices/{filename}"


class InvoiceDocument(models.Model):
    """The issued invoice's PDF/A-3 with its Factur-X XML. Append-only like the invoice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=_document_path)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", "Card (Stripe)"
    TRANSFER = "transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"
    CASH = "cash", "Cash"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Payment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(db_index=True)
    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    refunded_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")
    reference = models.CharField(max_length=100, blank=True, help_text="cheque number, transfer reference...")
    stripe_payment_intent = models.CharField(max_length=100, null=True, blank=True, unique=True)
    stripe_last_event_at = models.IntegerField(null=True, blank=True, help_text="created time of the last Stripe event applied")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    stripe_payment_method = models.CharField(max_length=100, blank=True,
                                             help_text="the card's payment method id (pm_...), compared on a retry")
    failure_reason = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payment_positive"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                                   name="finance_refund_within_payment"),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.amount} {self.currency} ({self.status})"


class Allocation(models.Model):
    """The part of a payment that settles an invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_allocation_positive")]


class Refund(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    stripe_refund_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_refund_positive")]


class StripeEvent(models.Model):
    """A Stripe webhook event applied in this tenant: each event id once."""

    event_id = models.CharField(max_length=100, primary_key=True)
    type = models.CharField(max_length=100)
    created = models.IntegerField()
    received_at = models.DateTimeField(auto_now_add=True)


class PaymentSchedule(models.Model):
    """An invoice paid in installments whose due dates fall on business days."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="schedule")
    created_at = models.DateTimeField(auto_now_add=True)


class Installment(models.Model):
    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.CASCADE, related_name="installments")
    position = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["schedule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "position"], name="finance_installment_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_installment_positive"),
        ]


class DunningHold(models.TextChoices):
    NONE = "", "None"
    DISPUTE = "dispute", "Dispute open"
    PROMISE = "promise", "Payment promised"


class DunningState(models.Model):
    """The dunning of one invoice: level reached, and a hold (dispute, promise) that pauses it."""

    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="dunning")
    level = models.PositiveSmallIntegerField(default=0)
    hold = models.CharField(max_length=10, choices=DunningHold.choices, blank=True, default="")
    hold_until = models.DateField(null=True, blank=True)
    hold_note = models.CharField(max_length=200, blank=True)


class Reminder(models.Model):
    """A reminder sent: the dunning history shown on the invoice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)  # email, formal_notice
    sent_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    amount_due = models.DecimalField(max_digits=14, decimal_places=2)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice", "level"]
        constraints = [models.UniqueConstraint(fields=["invoice", "level"], name="finance_one_reminder_per_level")]
