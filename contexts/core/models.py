"""Clients: people and companies the tenant sells to."""

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models.functions import Lower
from crm.models import UUIDModel


class ClientKind(models.TextChoices):
    PERSON = "person", "Particulier"
    COMPANY = "company", "Entreprise"


class Client(UUIDModel):
    kind = models.CharField(verbose_name="type", max_length=10, choices=ClientKind.choices, default=ClientKind.PERSON)
    first_name = models.CharField(verbose_name="prénom", max_length=100, blank=True)
    last_name = models.CharField(verbose_name="nom", max_length=100, blank=True)
    company_name = models.CharField(verbose_name="raison sociale", max_length=200, blank=True)
    siren = models.CharField(verbose_name="SIREN", max_length=9, blank=True)
    email = models.EmailField(verbose_name="e-mail", blank=True)
    phone = models.CharField(verbose_name="téléphone", max_length=30, blank=True)
    address_line = models.CharField(verbose_name="adresse", max_length=200, blank=True)
    city = models.CharField(verbose_name="ville", max_length=100, blank=True)
    postal_code = models.CharField(verbose_name="code postal", max_length=10, blank=True)
    country = models.CharField(verbose_name="pays", max_length=2, default="FR")
    vat_number = models.CharField(verbose_name="n° TVA intracommunautaire", max_length=20, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "client"
        verbose_name_plural = "clients"
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


class ApiKey(UUIDModel):
    """A key for an integration, bound to this tenant (the table lives in its schema) and a
    role. Only a SHA-256 of the secret is kept; the key is shown once, when created."""

    name = models.CharField(verbose_name="nom", max_length=100)
    prefix = models.CharField(verbose_name="préfixe", max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(verbose_name="empreinte du secret", max_length=64, editable=False)
    role = models.CharField(verbose_name="rôle", max_length=20, default="viewer")
    created_by = models.ForeignKey("accounts.User", verbose_name="créé par", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    last_used_at = models.DateTimeField(verbose_name="dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField(verbose_name="révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "clé d'API"
        verbose_name_plural = "clés d'API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Customer(UUIDModel):
    """An online shop customer: not a staff user, cannot reach staff endpoints."""

    email = models.EmailField(verbose_name="e-mail")
    password = models.CharField(verbose_name="mot de passe", max_length=128)
    first_name = models.CharField(verbose_name="prénom", max_length=100, blank=True)
    last_name = models.CharField(verbose_name="nom", max_length=100, blank=True)
    phone = models.CharField(verbose_name="téléphone", max_length=30, blank=True)
    client = models.OneToOneField(Client, verbose_name="client", null=True, blank=True, on_delete=models.SET_NULL, related_name="customer")
    is_active = models.BooleanField(verbose_name="actif", default=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "client en ligne"
        verbose_name_plural = "clients en ligne"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(Lower("email"), name="core_customer_email_unique")]

    def __str__(self):
        return self.email

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)


class CustomerAddress(UUIDModel):
    customer = models.ForeignKey(Customer, verbose_name="client en ligne", on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(verbose_name="libellé", max_length=50, blank=True)
    line1 = models.CharField(verbose_name="adresse", max_length=200)
    line2 = models.CharField(verbose_name="complément d'adresse", max_length=200, blank=True)
    postal_code = models.CharField(verbose_name="code postal", max_length=10)
    city = models.CharField(verbose_name="ville", max_length=100)
    country = models.CharField(verbose_name="pays", max_length=2, default="FR")
    is_default = models.BooleanField(verbose_name="par défaut", default=False)

    class Meta:
        verbose_name = "adresse"
        verbose_name_plural = "adresses"
        ordering = ["-is_default", "label"]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=models.Q(is_default=True), name="core_one_default_address"),
        ]


class GdprRequestKind(models.TextChoices):
    EXPORT = "export", "Export des données"
    ERASURE = "erasure", "Effacement"


class GdprRequestStatus(models.TextChoices):
    DONE = "done", "Traitée"
    FAILED = "failed", "En échec"


class GdprRequest(UUIDModel):
    """A person's GDPR request (export or erasure), who handled it and when. Holds the person's
    ids and a SHA-256 of their e-mail (proof of which address was handled), never their name
    or address: an erased person must not survive here."""

    kind = models.CharField(verbose_name="type", max_length=10, choices=GdprRequestKind.choices)
    status = models.CharField(verbose_name="état", max_length=10, choices=GdprRequestStatus.choices, default=GdprRequestStatus.DONE)
    client_ids = models.JSONField(verbose_name="clients", default=list)
    customer_ids = models.JSONField(verbose_name="clients en ligne", default=list)
    email_sha256 = models.CharField(verbose_name="empreinte de l'e-mail", max_length=64, blank=True)
    pseudonym = models.CharField(verbose_name="pseudonyme", max_length=40, blank=True)
    requested_by = models.CharField(verbose_name="traitée par", max_length=200)
    summary = models.JSONField(verbose_name="résumé", default=dict, help_text="lignes exportées ou effacées, par contexte")
    created_at = models.DateTimeField(verbose_name="reçue le", auto_now_add=True)
    completed_at = models.DateTimeField(verbose_name="traitée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande RGPD"
        verbose_name_plural = "demandes RGPD"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(kind__in=["export", "erasure"]), name="core_gdpr_kind_valid")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d} ({self.pseudonym or self.id})"
