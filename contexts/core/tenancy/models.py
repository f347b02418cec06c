from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

schema_name_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,40}$", "lowercase letters, digits and _; starts with a letter; 2 to 41 characters"
)


class Organisation(TenantMixin):
    """A customer business of the platform: one PostgreSQL schema."""

    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    siren = models.CharField(max_length=9, blank=True, validators=[RegexValidator(r"^\d{9}$", "9 digits")])
    vat_number = models.CharField(max_length=20, blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="FR")
    email = models.EmailField(blank=True)
    iban = models.CharField(max_length=34, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]
