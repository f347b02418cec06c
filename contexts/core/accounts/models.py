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
