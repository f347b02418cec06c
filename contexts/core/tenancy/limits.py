"""The plan's limits of the current organisation, kept beside it (finance's billing sets them
when a subscription starts or changes): services ask before adding a user or a location."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contexts.core.tenancy.models import Organisation
from crm import tenancy
from crm.rest.errors import DomainError

RESOURCES = {"users": "max_users", "locations": "max_locations",
             "ai_generations_per_month": "max_ai_generations_per_month"}
# How a refusal names the resource to people (the others by their key).
_RESOURCE_LABELS = {"ai_generations_per_month": _lazy("AI generations per month")}


class PlanLimitReached(DomainError):
    code = "plan_limit_reached"
    status_code = 402


def check_limit(*, resource: str, current: int) -> None:
    """Raises PlanLimitReached when one more `resource` would pass the plan's limit; an
    organisation without a plan (trial, platform-managed) has none. One query."""
    if tenancy.is_public():
        return
    org = Organisation.objects.filter(schema_name=tenancy.current_schema()).values(
        "plan_name", "plan_cancelled", RESOURCES[resource]).first()
    if org is None or not org["plan_name"]:
        return
    if org["plan_cancelled"]:
        raise PlanLimitReached(_("The subscription is cancelled."), field=resource)
    limit = org[RESOURCES[resource]]
    if limit is not None and current + 1 > limit:
        raise PlanLimitReached(_("The %(name)s plan allows %(limit)s %(resource)s.")
                               % {"name": org["plan_name"], "limit": limit, "resource": _RESOURCE_LABELS.get(resource, resource)}, field=resource)


def set_entitlements(*, schema_name: str, plan_name: str, max_users: int | None, max_locations: int | None,
                     cancelled: bool = False, max_ai_generations_per_month: int | None = None) -> None:
    Organisation.objects.filter(schema_name=schema_name).update(
        plan_name=plan_name, max_users=max_users, max_locations=max_locations, plan_cancelled=cancelled,
        max_ai_generations_per_month=max_ai_generations_per_month)
