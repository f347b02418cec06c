import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Propriétaire"
    ADMIN = "admin", "Administrateur"
    MANAGER = "manager", "Responsable"
    ACCOUNTANT = "accountant", "Comptable"
    SALES = "sales", "Commercial"
    CASHIER = "cashier", "Caissier"
    VIEWER = "viewer", "Lecture seule"


class User(AbstractUser):
    """A staff member. The table lives in each tenant schema: a user belongs to one tenant."""

    role = models.CharField(verbose_name="rôle", max_length=20, choices=Role.choices, default=Role.VIEWER)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.apply_role()

    def apply_role(self) -> None:
        """The user's groups are the role's group: permissions follow the role."""
        from contexts.core.accounts.roles import group_for

        group = group_for(self.role)
        current = set(self.groups.values_list("name", flat=True))
        if group is not None and current != {group.name}:
            self.groups.set([group])

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        db_table = "accounts_user"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="accounts_user_role_valid"
            ),
        ]


class Invitation(models.Model):
    """A colleague invited by e-mail with a role. The link's token is signed (it expires) and
    only its SHA-256 is kept; accepting it once creates the user (services/invitations)."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(verbose_name="e-mail")
    role = models.CharField(verbose_name="rôle", max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(User, verbose_name="invité par", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    token_hash = models.CharField(verbose_name="empreinte du jeton", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(verbose_name="envoyée le", auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name="expire le")
    accepted_at = models.DateTimeField(verbose_name="acceptée le", null=True, blank=True)
    user = models.ForeignKey(User, verbose_name="compte créé", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    revoked_at = models.DateTimeField(verbose_name="révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]),
                                   name="accounts_invitation_role_valid"),
            models.CheckConstraint(condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                                   name="accounts_invitation_accepted_or_revoked"),
            # One open invitation per address (a new one revokes the previous).
            models.UniqueConstraint(models.functions.Lower("email"), name="accounts_invitation_one_open",
                                    condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.email} ({self.role})"

    def status(self, now=None) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= (now or timezone.now()) else "pending"
