"""Clients: people and companies the tenant sells to."""
import uuid

from django.db import models
from django.db.models.functions import Lower


class ClientKind(models.TextChoices):
    PERSON = "person", "Person"
    COMPANY = "company", "Company"


class Client(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=ClientKind.choices, default=ClientKind.PERSON)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    siren = models.CharField(max_length=9, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, default="FR")
    vat_number = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("email"), name="core_client_email_lower")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="person", last_name__gt="") | models.Q(kind="company", company_name__gt=""),
                name="core_client_named",
                violation_error_message="A person needs a last name, a company a company name.",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == ClientKind.COMPANY:
            return self.company_name
        return f"{self.first_name} {self.last_name}".strip()
