"""Finance data: invoices and credit notes (immutable once issued), their numbering.

Other contexts are referenced by UUID (client_id, order_id, contract_id), never by foreign key.
Money is Decimal: amounts to the cent, unit prices to 4 places, ROUND_HALF_UP."""
import uuid

from django.db import models
from django.db.models import Q
from crm.models import UUIDModel


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

    prefix = models.CharField(verbose_name="préfixe", max_length=4)
    year = models.PositiveIntegerField(verbose_name="année")
    last_number = models.PositiveIntegerField(verbose_name="dernier numéro", default=0)

    class Meta:
        verbose_name = "séquence de numérotation"
        verbose_name_plural = "séquences de numérotation"
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="finance_sequence_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Invoice(UUIDModel):
    kind = models.CharField(verbose_name="type", max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    status = models.CharField(verbose_name="état", max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    number = models.CharField(verbose_name="numéro", max_length=20, null=True, blank=True, unique=True)
    sequence_year = models.PositiveIntegerField(verbose_name="année de séquence", null=True, blank=True)
    sequence_number = models.PositiveIntegerField(verbose_name="numéro de séquence", null=True, blank=True)
    original = models.ForeignKey("self", verbose_name="facture d'origine", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes",
                                 help_text="La facture que cet avoir corrige.")

    client_id = models.UUIDField(verbose_name="client", db_index=True)
    order_id = models.UUIDField(verbose_name="commande", null=True, blank=True, db_index=True)
    contract_id = models.UUIDField(verbose_name="contrat", null=True, blank=True, db_index=True)
    billing_period = models.CharField(verbose_name="période facturée", max_length=7, blank=True, help_text="AAAA-MM (contrats)")

    # What the document says, frozen at issue (the client may move; the invoice does not).
    buyer_name = models.CharField(verbose_name="acheteur", max_length=200, blank=True)
    buyer_is_business = models.BooleanField(verbose_name="acheteur professionnel", default=False)
    buyer_siren = models.CharField(verbose_name="SIREN de l'acheteur", max_length=9, blank=True)
    buyer_vat_number = models.CharField(verbose_name="n° TVA de l'acheteur", max_length=20, blank=True)
    buyer_address = models.CharField(verbose_name="adresse de l'acheteur", max_length=200, blank=True)
    buyer_postal_code = models.CharField(verbose_name="code postal de l'acheteur", max_length=10, blank=True)
    buyer_city = models.CharField(verbose_name="ville de l'acheteur", max_length=100, blank=True)
    buyer_country = models.CharField(verbose_name="pays de l'acheteur", max_length=2, default="FR")
    buyer_email = models.EmailField(verbose_name="e-mail de l'acheteur", blank=True)
    seller_name = models.CharField(verbose_name="vendeur", max_length=200, blank=True)
    seller_siren = models.CharField(verbose_name="SIREN du vendeur", max_length=9, blank=True)
    seller_vat_number = models.CharField(verbose_name="n° TVA du vendeur", max_length=20, blank=True)
    seller_address = models.CharField(verbose_name="adresse du vendeur", max_length=200, blank=True)
    seller_postal_code = models.CharField(verbose_name="code postal du vendeur", max_length=10, blank=True)
    seller_city = models.CharField(verbose_name="ville du vendeur", max_length=100, blank=True)
    seller_iban = models.CharField(verbose_name="IBAN du vendeur", max_length=34, blank=True)

    currency = models.CharField(verbose_name="devise", max_length=3, default="EUR")
    issue_date = models.DateField(verbose_name="date d'émission", null=True, blank=True)
    delivery_date = models.DateField(verbose_name="date de livraison", null=True, blank=True)
    due_date = models.DateField(verbose_name="échéance", null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(verbose_name="délai de paiement (jours)", default=30)
    notes = models.TextField(verbose_name="notes", blank=True)

    total_net = models.DecimalField(verbose_name="total HT", max_digits=14, decimal_places=2, default=0)
    total_vat = models.DecimalField(verbose_name="total TVA", max_digits=14, decimal_places=2, default=0)
    total_gross = models.DecimalField(verbose_name="total TTC", max_digits=14, decimal_places=2, default=0)

    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    issued_at = models.DateTimeField(verbose_name="émise le", null=True, blank=True)

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
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
            # a contract's period is invoiced once
            models.UniqueConstraint(fields=["contract_id", "billing_period"], condition=Q(kind="invoice") & ~Q(billing_period=""),
                                    name="finance_invoice_one_per_contract_period"),
        ]

    def __str__(self):
        return self.number or f"Brouillon {str(self.id)[:8]}"

    @property
    def is_issued(self) -> bool:
        return self.status == InvoiceStatus.ISSUED


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, verbose_name="facture", on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(verbose_name="position")
    label = models.CharField(verbose_name="libellé", max_length=300)
    description = models.TextField(verbose_name="description", blank=True)
    variant_id = models.UUIDField(verbose_name="variante", null=True, blank=True)
    quantity = models.DecimalField(verbose_name="quantité", max_digits=12, decimal_places=3)
    unit = models.CharField(verbose_name="unité", max_length=3, default="C62", help_text="code d'unité UN/ECE rec. 20 (C62 = unité)")
    unit_price_net = models.DecimalField(verbose_name="prix unitaire HT", max_digits=14, decimal_places=4)
    vat_rate = models.DecimalField(verbose_name="taux de TVA", max_digits=5, decimal_places=2)
    line_net = models.DecimalField(verbose_name="total HT de la ligne", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="finance_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="finance_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price_net__gte=0), name="finance_line_price_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__in=[0, 2.1, 5.5, 10, 20]), name="finance_line_vat_rate_french"),
        ]


class InvoiceVatLine(models.Model):
    """VAT per rate (EN 16931 BG-23): base x rate, rounded to the cent, per rate."""

    invoice = models.ForeignKey(Invoice, verbose_name="facture", on_delete=models.CASCADE, related_name="vat_lines")
    rate = models.DecimalField(verbose_name="taux", max_digits=5, decimal_places=2)
    base = models.DecimalField(verbose_name="base", max_digits=14, decimal_places=2)
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "ligne de TVA"
        verbose_name_plural = "lignes de TVA"
        ordering = ["invoice", "-rate"]
        constraints = [models.UniqueConstraint(fields=["invoice", "rate"], name="finance_vat_line_unique")]


def _document_path(instance, filename):
    from crm import tenancy

    return f"{tenancy.current_schema()}/invoices/{filename}"


class InvoiceDocument(models.Model):
    """The issued invoice's PDF/A-3 with its Factur-X XML. Append-only like the invoice."""
    class Meta:
        verbose_name = "document PDF"
        verbose_name_plural = "documents PDF"


    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, verbose_name="facture", on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(verbose_name="fichier", upload_to=_document_path)
    sha256 = models.CharField(verbose_name="empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", "Carte (Stripe)"
    TRANSFER = "transfer", "Virement"
    CHEQUE = "cheque", "Chèque"
    CASH = "cash", "Espèces"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SUCCEEDED = "succeeded", "Réussi"
    FAILED = "failed", "Échoué"


class Payment(UUIDModel):
    client_id = models.UUIDField(verbose_name="client", db_index=True)
    order_id = models.UUIDField(verbose_name="commande", null=True, blank=True, db_index=True)
    method = models.CharField(verbose_name="moyen de paiement", max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(verbose_name="état", max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)
    refunded_amount = models.DecimalField(verbose_name="montant remboursé", max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(verbose_name="devise", max_length=3, default="EUR")
    reference = models.CharField(verbose_name="référence", max_length=100, blank=True, help_text="n° de chèque, référence du virement…")
    stripe_payment_intent = models.CharField(verbose_name="PaymentIntent Stripe", max_length=100, null=True, blank=True, unique=True)
    stripe_last_event_at = models.IntegerField(verbose_name="dernier événement Stripe", null=True, blank=True, help_text="date du dernier événement Stripe appliqué")
    idempotency_key = models.CharField(verbose_name="clé d'idempotence", max_length=100, null=True, blank=True, unique=True)
    stripe_payment_method = models.CharField(verbose_name="moyen de paiement Stripe", max_length=100, blank=True,
                                             help_text="le moyen de paiement de la carte (pm_...), comparé lors d'une nouvelle tentative")
    failure_reason = models.CharField(verbose_name="motif de l'échec", max_length=200, blank=True)
    received_at = models.DateTimeField(verbose_name="reçu le", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "paiement"
        verbose_name_plural = "paiements"
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

    payment = models.ForeignKey(Payment, verbose_name="paiement", on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, verbose_name="facture", on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "affectation de paiement"
        verbose_name_plural = "affectations de paiement"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_allocation_positive")]


class Refund(UUIDModel):
    payment = models.ForeignKey(Payment, verbose_name="paiement", on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)
    stripe_refund_id = models.CharField(verbose_name="remboursement Stripe", max_length=100, null=True, blank=True, unique=True)
    idempotency_key = models.CharField(verbose_name="clé d'idempotence", max_length=100, null=True, blank=True, unique=True)
    reason = models.CharField(verbose_name="motif", max_length=200, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "remboursement"
        verbose_name_plural = "remboursements"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_refund_positive")]


class StripeEvent(models.Model):
    """A Stripe webhook event applied in this tenant: each event id once."""
    class Meta:
        verbose_name = "événement Stripe"
        verbose_name_plural = "événements Stripe"


    event_id = models.CharField(verbose_name="événement", max_length=100, primary_key=True)
    type = models.CharField(verbose_name="type", max_length=100)
    created = models.IntegerField(verbose_name="créé")
    received_at = models.DateTimeField(verbose_name="reçu le", auto_now_add=True)


class PaymentSchedule(models.Model):
    """An invoice paid in installments whose due dates fall on business days."""
    class Meta:
        verbose_name = "échéancier"
        verbose_name_plural = "échéanciers"


    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.OneToOneField(Invoice, verbose_name="facture", on_delete=models.PROTECT, related_name="schedule")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)


class Installment(models.Model):
    schedule = models.ForeignKey(PaymentSchedule, verbose_name="échéancier", on_delete=models.CASCADE, related_name="installments")
    position = models.PositiveSmallIntegerField(verbose_name="position")
    due_date = models.DateField(verbose_name="échéance")
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "échéance"
        verbose_name_plural = "échéances"
        ordering = ["schedule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "position"], name="finance_installment_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_installment_positive"),
        ]


class DunningHold(models.TextChoices):
    NONE = "", "None"
    DISPUTE = "dispute", "Litige ouvert"
    PROMISE = "promise", "Promesse de paiement"


class DunningState(models.Model):
    """The dunning of one invoice: level reached, and a hold (dispute, promise) that pauses it."""
    class Meta:
        verbose_name = "état de relance"
        verbose_name_plural = "états de relance"


    invoice = models.OneToOneField(Invoice, verbose_name="facture", on_delete=models.CASCADE, related_name="dunning")
    level = models.PositiveSmallIntegerField(verbose_name="niveau", default=0)
    hold = models.CharField(verbose_name="suspendue", max_length=10, choices=DunningHold.choices, blank=True, default="")
    hold_until = models.DateField(verbose_name="suspendue jusqu'au", null=True, blank=True)
    hold_note = models.CharField(verbose_name="motif de la suspension", max_length=200, blank=True)


class Reminder(UUIDModel):
    """A reminder sent: the dunning history shown on the invoice."""

    invoice = models.ForeignKey(Invoice, verbose_name="facture", on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField(verbose_name="niveau")
    kind = models.CharField(verbose_name="type", max_length=20)  # email, formal_notice
    sent_to = models.EmailField(verbose_name="envoyé à", blank=True)
    subject = models.CharField(verbose_name="objet", max_length=200)
    amount_due = models.DecimalField(verbose_name="montant dû", max_digits=14, decimal_places=2)
    sent_at = models.DateTimeField(verbose_name="envoyé le", auto_now_add=True)
    # The formal notice posted as a registered letter (logistics reports it by event).
    dispatch_id = models.UUIDField(verbose_name="envoi postal", null=True, blank=True)
    dispatch_status = models.CharField(verbose_name="état de l'envoi postal", max_length=20, blank=True)
    dispatch_proof = models.CharField(verbose_name="preuve de distribution", max_length=200, blank=True)
    dispatch_cost = models.DecimalField(verbose_name="coût de l'envoi", max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        ordering = ["invoice", "level"]
        constraints = [models.UniqueConstraint(fields=["invoice", "level"], name="finance_one_reminder_per_level")]
