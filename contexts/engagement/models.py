"""Engagement data: messages sent, staff notifications, contact preferences, the client timeline,
activities and tasks, the health score, loyalty. Other contexts' rows are referenced by UUID only."""
import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"


class Purpose(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactionnel"
    MARKETING = "marketing", "Marketing"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"
    SUPPRESSED = "suppressed", "Non envoyé (désinscrit)"


class Notification(models.Model):
    """One message to a client or customer, whatever its channel, with its delivery status."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(verbose_name="type", max_length=40)
    channel = models.CharField(verbose_name="canal", max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    purpose = models.CharField(verbose_name="nature", max_length=13, choices=Purpose.choices, default=Purpose.TRANSACTIONAL)
    recipient = models.CharField(verbose_name="destinataire", max_length=254)
    client_id = models.UUIDField(verbose_name="client", null=True, blank=True, db_index=True)
    subject = models.CharField(verbose_name="objet", max_length=200)
    body = models.TextField(verbose_name="texte", blank=True)
    related_id = models.UUIDField(verbose_name="objet lié", null=True, blank=True, db_index=True)
    status = models.CharField(verbose_name="état", max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    error = models.TextField(verbose_name="erreur", blank=True)
    provider_id = models.CharField(verbose_name="référence fournisseur", max_length=100, blank=True)
    sent_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    delivered_at = models.DateTimeField(verbose_name="envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages envoyés"
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s.value for s in MessageStatus]), name="engagement_notification_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=[c.value for c in Channel]), name="engagement_notification_channel_valid"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class StaffNotification(models.Model):
    """An in-app notification for staff, shown in the back office (user_id empty: every staff member)."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(verbose_name="type", max_length=40)
    user_id = models.BigIntegerField(verbose_name="destinataire", null=True, blank=True, db_index=True)
    title = models.CharField(verbose_name="titre", max_length=200)
    body = models.TextField(verbose_name="détail", blank=True)
    link = models.CharField(verbose_name="lien", max_length=300, blank=True)
    dedup_key = models.CharField(verbose_name="clé d'unicité", max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(verbose_name="créée le", auto_now_add=True)
    read_at = models.DateTimeField(verbose_name="lue le", null=True, blank=True)

    class Meta:
        verbose_name = "notification interne"
        verbose_name_plural = "notifications internes"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class ContactPreference(models.Model):
    """A client's consent to marketing messages; transactional messages ignore it."""

    client_id = models.UUIDField(verbose_name="client", primary_key=True)
    marketing_email = models.BooleanField(verbose_name="accepte les e-mails marketing", default=False)
    marketing_sms = models.BooleanField(verbose_name="accepte les SMS marketing", default=False)
    consent_at = models.DateTimeField(verbose_name="consentement le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField(verbose_name="désinscrit le", null=True, blank=True)

    class Meta:
        verbose_name = "préférence de contact"
        verbose_name_plural = "préférences de contact"


class TimelineEntry(models.Model):
    """One line of a client's timeline, from an event of any context or from staff."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(verbose_name="client")
    occurred_at = models.DateTimeField(verbose_name="date")
    source = models.CharField(verbose_name="origine", max_length=20)
    kind = models.CharField(verbose_name="type", max_length=40)
    title = models.CharField(verbose_name="libellé", max_length=250)
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2, null=True, blank=True)
    reference_id = models.UUIDField(verbose_name="objet lié")

    class Meta:
        verbose_name = "événement client"
        verbose_name_plural = "chronologie client"
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["client_id", "-occurred_at"])]
        constraints = [models.UniqueConstraint(fields=["kind", "reference_id"], name="engagement_timeline_once")]

    def __str__(self):
        return self.title


class ActivityKind(models.TextChoices):
    NOTE = "note", "Note"
    CALL = "call", "Appel"
    MEETING = "meeting", "Rendez-vous"


class Activity(models.Model):
    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(verbose_name="client", db_index=True)
    kind = models.CharField(verbose_name="type", max_length=8, choices=ActivityKind.choices)
    subject = models.CharField(verbose_name="objet", max_length=200)
    body = models.TextField(verbose_name="compte rendu", blank=True)
    occurred_at = models.DateTimeField(verbose_name="date")
    author_id = models.BigIntegerField(verbose_name="auteur", null=True, blank=True)

    class Meta:
        verbose_name = "activité"
        verbose_name_plural = "activités"
        ordering = ["-occurred_at"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=[k.value for k in ActivityKind]), name="engagement_activity_kind_valid")]

    def __str__(self):
        return self.subject


class Task(models.Model):
    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(verbose_name="client", null=True, blank=True, db_index=True)
    title = models.CharField(verbose_name="intitulé", max_length=200)
    assignee_id = models.BigIntegerField(verbose_name="assignée à")
    due_date = models.DateField(verbose_name="échéance")
    done_at = models.DateTimeField(verbose_name="faite le", null=True, blank=True)
    reminded_on = models.DateField(verbose_name="rappel envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créée le", auto_now_add=True)

    class Meta:
        verbose_name = "tâche"
        verbose_name_plural = "tâches"
        ordering = ["due_date"]
        indexes = [models.Index(fields=["due_date"], condition=Q(done_at__isnull=True), name="engagement_task_open_due")]

    def __str__(self):
        return self.title


class ClientInvoice(models.Model):
    """Engagement's own view of a client's invoices (fed by finance events): what is overdue."""

    invoice_id = models.UUIDField(verbose_name="facture", primary_key=True)
    client_id = models.UUIDField(verbose_name="client", db_index=True)
    number = models.CharField(verbose_name="numéro", max_length=40, blank=True)
    total = models.DecimalField(verbose_name="montant TTC", max_digits=14, decimal_places=2)
    due_date = models.DateField(verbose_name="échéance", null=True, blank=True)
    paid_at = models.DateTimeField(verbose_name="payée le", null=True, blank=True)

    class Meta:
        verbose_name = "facture client"
        verbose_name_plural = "factures clients"


class ClientHealth(models.Model):
    client_id = models.UUIDField(verbose_name="client", primary_key=True)
    score = models.PositiveSmallIntegerField(verbose_name="score de santé")
    reasons = models.JSONField(verbose_name="raisons", default=list)
    computed_on = models.DateField(verbose_name="calculé le")

    class Meta:
        verbose_name = "santé client"
        verbose_name_plural = "santé des clients"
        ordering = ["score"]
        constraints = [models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="engagement_health_score_range")]


class LoyaltyProgram(models.Model):
    """The tenant's rule (one row): points per euro spent and the value of a point."""

    id = models.PositiveSmallIntegerField(verbose_name="identifiant", primary_key=True, default=1, editable=False)
    points_per_euro = models.DecimalField(verbose_name="points par euro", max_digits=6, decimal_places=2, default=Decimal("1"))
    point_value = models.DecimalField(verbose_name="valeur d'un point (€)", max_digits=6, decimal_places=4, default=Decimal("0.01"))
    is_active = models.BooleanField(verbose_name="actif", default=True)

    class Meta:
        verbose_name = "programme de fidélité"
        verbose_name_plural = "programme de fidélité"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="engagement_loyalty_program_single"),
            models.CheckConstraint(condition=Q(points_per_euro__gte=0) & Q(point_value__gt=0), name="engagement_loyalty_program_positive"),
        ]


class LoyaltyTier(models.Model):
    name = models.CharField(verbose_name="nom", max_length=40, unique=True)
    threshold = models.PositiveIntegerField(verbose_name="seuil (points cumulés)", unique=True)

    class Meta:
        verbose_name = "palier de fidélité"
        verbose_name_plural = "paliers de fidélité"
        ordering = ["threshold"]

    def __str__(self):
        return self.name


class LoyaltyAccount(models.Model):
    """A client's balance, always the sum of its ledger (kept beside it to lock and read fast)."""

    client_id = models.UUIDField(verbose_name="client", primary_key=True)
    balance = models.IntegerField(verbose_name="solde (points)", default=0)
    earned_total = models.IntegerField(verbose_name="points cumulés", default=0)

    class Meta:
        verbose_name = "compte fidélité"
        verbose_name_plural = "comptes fidélité"
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="engagement_loyalty_balance_not_negative")]


class LoyaltyEntryKind(models.TextChoices):
    EARN = "earn", "Gain"
    REDEEM = "redeem", "Utilisation"
    REVERSE = "reverse", "Reprise (retour)"
    RESTORE = "restore", "Restitution"


class LoyaltyEntry(models.Model):
    """The ledger: one row per movement, once per (kind, source)."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(LoyaltyAccount, verbose_name="compte", on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(verbose_name="type", max_length=8, choices=LoyaltyEntryKind.choices)
    points = models.IntegerField(verbose_name="points")
    source = models.CharField(verbose_name="origine", max_length=20)
    source_id = models.CharField(verbose_name="référence", max_length=64)
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(verbose_name="date", auto_now_add=True)

    class Meta:
        verbose_name = "mouvement de points"
        verbose_name_plural = "mouvements de points"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source", "source_id"], name="engagement_loyalty_entry_once"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in LoyaltyEntryKind]), name="engagement_loyalty_entry_kind_valid"),
            models.CheckConstraint(condition=(Q(kind__in=["earn", "restore"]) & Q(points__gte=0))
                                   | (Q(kind__in=["redeem", "reverse"]) & Q(points__lte=0)),
                                   name="engagement_loyalty_entry_sign"),
        ]


from contexts.engagement.reporting.models import (  # noqa: E402,F401  (the reporting read model, same app)
    ClientFact, DailyDocuments, DailySales, DailyVariantSales, DocumentFact, InvoiceFact, OrderFact, PaymentFact, ReportJob,
    SaleFact, ScheduledReport,
)
from contexts.engagement.webhooks.models import (  # noqa: E402,F401  (outgoing webhooks, same app)
    DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
)
