"""Outgoing webhooks of a tenant: the endpoints it registered, one delivery per (endpoint, event),
and the log of every attempt. The signing secret is stored as-is in the tenant's schema (it is
needed in clear to sign each request, like Stripe's); it is never returned after creation, never
written to the audit trail, and only owners and administrators can see the endpoints."""
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q


class WebhookEndpoint(models.Model):
    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(verbose_name="URL", max_length=500)
    description = models.CharField(verbose_name="description", max_length=200, blank=True)
    event_types = ArrayField(models.CharField(max_length=80), verbose_name="événements", default=list,
                             help_text="Noms des événements envoyés ; « * » pour tous.")
    secret = models.CharField(verbose_name="secret de signature", max_length=100, editable=False)
    is_active = models.BooleanField(verbose_name="actif", default=True)
    consecutive_failures = models.PositiveIntegerField(verbose_name="échecs consécutifs", default=0)
    disabled_at = models.DateTimeField(verbose_name="désactivé le", null=True, blank=True)
    disabled_reason = models.CharField(verbose_name="raison de la désactivation", max_length=200, blank=True)
    created_by_id = models.BigIntegerField(verbose_name="créé par", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "point de terminaison webhook"
        verbose_name_plural = "points de terminaison webhook"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                                   name="engagement_webhookendpoint_url_http"),
            models.CheckConstraint(condition=~Q(event_types=[]), name="engagement_webhookendpoint_has_events"),
        ]

    def __str__(self):
        return self.url

    def wants(self, event_name: str) -> bool:
        return "*" in self.event_types or event_name in self.event_types


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "En cours d'envoi"
    SUCCEEDED = "succeeded", "Reçu"
    FAILED = "failed", "Abandonné"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the body is fixed at creation (a resend sends the same bytes,
    newly signed)."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name="point de terminaison", on_delete=models.CASCADE,
                                 related_name="deliveries")
    event_id = models.UUIDField(verbose_name="événement")
    event_name = models.CharField(verbose_name="type d'événement", max_length=80)
    body = models.TextField(verbose_name="corps JSON")
    status = models.CharField(verbose_name="état", max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(verbose_name="tentatives", default=0)
    next_attempt_at = models.DateTimeField(verbose_name="prochaine tentative", null=True, blank=True)
    claimed_at = models.DateTimeField(verbose_name="envoi commencé le", null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(verbose_name="dernier code HTTP", null=True, blank=True)
    delivered_at = models.DateTimeField(verbose_name="reçu le", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "envoi webhook"
        verbose_name_plural = "envois webhook"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="engagement_webhookdelivery_once"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in DeliveryStatus]),
                                   name="engagement_webhookdelivery_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="engagement_whdelivery_due")]

    def __str__(self):
        return f"{self.event_name} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """The delivery log: one row per HTTP request sent (or refused before sending)."""

    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    delivery = models.ForeignKey(WebhookDelivery, verbose_name="envoi", on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField(verbose_name="tentative n°")
    attempted_at = models.DateTimeField(verbose_name="le")
    status_code = models.PositiveSmallIntegerField(verbose_name="code HTTP", null=True, blank=True)
    duration_ms = models.PositiveIntegerField(verbose_name="durée (ms)", default=0)
    error = models.TextField(verbose_name="erreur", blank=True)
    manual = models.BooleanField(verbose_name="renvoi manuel", default=False)

    class Meta:
        verbose_name = "tentative d'envoi webhook"
        verbose_name_plural = "tentatives d'envoi webhook"
        ordering = ["delivery", "number"]

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
