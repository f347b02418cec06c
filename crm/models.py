"""Kernel tables, present in every schema: the event outbox, the events each subscriber has
handled, the dead letters."""
import uuid

from django.db import models


class UUIDModel(models.Model):
    """A row named by a random UUID: an id that tells nothing (no count, no order) to whoever sees it."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class OutboxEvent(models.Model):
    """An event written in the publisher's transaction; sent to Celery after commit."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, editable=False)  # the event's own id
    name = models.CharField(verbose_name="nom", max_length=120, db_index=True)
    payload = models.JSONField(verbose_name="contenu")
    occurred_at = models.DateTimeField(verbose_name="survenu le")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    sent_at = models.DateTimeField(verbose_name="envoyé le", null=True, blank=True)
    # Every subscriber handled the event or gave up on it (dead letter): set by the resend job.
    delivered_at = models.DateTimeField(verbose_name="distribué le", null=True, blank=True)
    send_attempts = models.PositiveIntegerField(verbose_name="tentatives d'envoi", default=0)
    request_id = models.CharField(verbose_name="identifiant de requête", max_length=64, blank=True)

    class Meta:
        verbose_name = "événement sortant"
        verbose_name_plural = "événements sortants"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="crm_outbox_unsent"),
                   models.Index(fields=["sent_at"], condition=models.Q(sent_at__isnull=False, delivered_at__isnull=True),
                                name="crm_outbox_undelivered")]

    def __str__(self):
        return f"{self.name} {self.id}"


class HandledEvent(models.Model):
    """(event, subscriber) handled: written in the subscriber's own transaction, so a
    redelivered event has no second effect."""

    event_id = models.UUIDField(verbose_name="événement")
    subscriber = models.CharField(verbose_name="abonné", max_length=200)
    handled_at = models.DateTimeField(verbose_name="traité le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "événement traité"
        verbose_name_plural = "événements traités"
        constraints = [models.UniqueConstraint(fields=["event_id", "subscriber"], name="crm_handled_once")]


class DeadLetter(UUIDModel):
    """A subscriber gave up on an event after its retries. Retry it from the admin."""

    event_id = models.UUIDField(verbose_name="événement", db_index=True)
    event_name = models.CharField(verbose_name="événement", max_length=120)
    subscriber = models.CharField(verbose_name="abonné", max_length=200)
    payload = models.JSONField(verbose_name="contenu")
    error = models.TextField(verbose_name="erreur")
    attempts = models.PositiveIntegerField(verbose_name="tentatives")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    retried_at = models.DateTimeField(verbose_name="relancé le", null=True, blank=True)
    resolved_at = models.DateTimeField(verbose_name="résolu le", null=True, blank=True)

    class Meta:
        verbose_name = "événement en échec"
        verbose_name_plural = "événements en échec"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subscriber} on {self.event_name}"


class AuditEntry(models.Model):
    """Who changed what: written by the application on every audited write, never edited."""

    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    at = models.DateTimeField(verbose_name="date", auto_now_add=True, db_index=True)
    actor_type = models.CharField(verbose_name="type d'auteur", max_length=10)  # user, api_key, customer, system
    actor_id = models.CharField(verbose_name="identifiant de l'auteur", max_length=64, blank=True)
    actor_label = models.CharField(verbose_name="auteur", max_length=200, blank=True)
    action = models.CharField(verbose_name="action", max_length=10)  # create, update, delete
    object_type = models.CharField(verbose_name="type d'objet", max_length=100, db_index=True)
    object_id = models.CharField(verbose_name="identifiant de l'objet", max_length=64, db_index=True)
    object_repr = models.CharField(verbose_name="objet", max_length=200, blank=True)
    changes = models.JSONField(verbose_name="modifications", default=dict)
    request_id = models.CharField(verbose_name="identifiant de requête", max_length=64, blank=True)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.actor_label} {self.action} {self.object_type} {self.object_id}"
