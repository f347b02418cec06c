from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Administrator"
    MANAGER = "manager", "Manager"
    ACCOUNTANT = "accountant", "Accountant"
    SALES = "sales", "Sales"
    CASHIER = "cashier", "Cashier"
    VIEWER = "viewer", "Viewer"


class User(AbstractUser):
    """A staff member. The table lives in each tenant schema: a user belongs to one tenant."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        db_table = "accounts_user"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="accounts_user_role_valid"
            ),
        ]
