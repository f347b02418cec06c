"""Staff accounts: a user is added through here, where the plan's seat limit is checked."""
from __future__ import annotations

from contexts.core.accounts.models import User
from contexts.core.tenancy import limits


def user_add(user: User) -> User:
    """Saves a new staff account; an active one takes a seat of the plan (PlanLimitReached, 402)."""
    if user.is_active:
        limits.check_limit(resource="users", current=User.objects.filter(is_active=True).count())
    user.save()
    return user
