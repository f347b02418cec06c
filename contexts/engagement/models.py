"""Engagement data: notifications sent to clients and customers."""
import uuid

from django.db import models


class Notification(models.Model):
    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(verbose_name="type", max_length=40)
    recipient = models.EmailField(verbose_name="destinataire")
    subject = models.CharField(verbose_name="objet", max_length=200)
    related_id = models.UUIDField(verbose_name="objet lié", null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(verbose_name="envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-sent_at"]


from contexts.engagement.reporting.models import (  # noqa: E402,F401  (the reporting read model, same app)
    ClientFact, DailyDocuments, DailySales, DailyVariantSales, DocumentFact, InvoiceFact, OrderFact, PaymentFact, ReportJob,
    SaleFact, ScheduledReport,
)
