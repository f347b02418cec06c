"""Roles and what they may do, as Django permissions (one Group per role in each tenant).

The table in docs/access.md is this mapping in words. A rule is (app label, actions) where
actions is a set of view/add/change/delete or "*" for all; ("finance", {"view"}) grants
view_<model> on every finance model."""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from contexts.core.accounts.models import Role

ALL = {"view", "add", "change", "delete"}
READ = {"view"}
WRITE = {"view", "add", "change"}

BUSINESS_APPS = ("core", "catalog", "inventory", "commercial", "finance", "engagement", "logistics", "pos")

ROLE_RULES: dict[str, list[tuple[str, set[str]]]] = {
    Role.OWNER: [(app, ALL) for app in (*BUSINESS_APPS, "accounts", "crm", "auth")],
    Role.ADMIN: [(app, ALL) for app in (*BUSINESS_APPS, "accounts", "crm")],
    Role.MANAGER: [(app, WRITE) for app in ("core", "catalog", "inventory", "commercial", "engagement", "logistics", "pos")]
                  + [("finance", READ), ("crm", READ)],
    Role.ACCOUNTANT: [("finance", ALL), ("core", READ), ("commercial", READ), ("pos", READ), ("crm", READ)],
    Role.SALES: [("core", WRITE), ("commercial", WRITE), ("engagement", WRITE), ("catalog", READ), ("inventory", READ)],
    Role.CASHIER: [("pos", WRITE), ("catalog", READ), ("inventory", READ), ("core", {"view", "add"})],
    Role.VIEWER: [(app, READ) for app in BUSINESS_APPS],
}
# Models that only some roles manage, whatever their app's rule grants: an API key is a
# credential, and whoever may mint one could give it any role (issue 10: a cashier minted an
# administrator's key). Other roles get no permission at all on these models.
MANAGED_ONLY_BY: dict[tuple[str, str], set[str]] = {
    ("core", "apikey"): {Role.OWNER, Role.ADMIN},
    # A GDPR export hands over all of a person's data, an erasure cannot be undone.
    ("core", "gdprrequest"): {Role.OWNER, Role.ADMIN},
    ("catalog", "aisettings"): {Role.OWNER, Role.ADMIN},  # holds the AI provider's key
    ("accounts", "invitation"): {Role.OWNER, Role.ADMIN},
    # Outgoing webhooks send the tenant's business events out: their endpoints and log too.
    ("engagement", "webhookendpoint"): {Role.OWNER, Role.ADMIN},
    ("engagement", "webhookdelivery"): {Role.OWNER, Role.ADMIN},
    ("engagement", "webhookattempt"): {Role.OWNER, Role.ADMIN},
}
# Nobody edits the audit trail: it is written by the application only.
NEVER = {"crm.add_auditentry", "crm.change_auditentry", "crm.delete_auditentry",
         "crm.add_outboxevent", "crm.change_outboxevent", "crm.delete_outboxevent"}


def permission_codes(role: str) -> set[str]:
    """The "app_label.codename" permissions of a role, from the permissions that exist."""
    codes = set()
    rules = ROLE_RULES.get(role, [])
    for app_label, model, codename in Permission.objects.values_list("content_type__app_label", "content_type__model",
                                                                     "codename"):
        if role not in MANAGED_ONLY_BY.get((app_label, model), {role}):
            continue
        action = codename.split("_", 1)[0]
        for rule_app, actions in rules:
            if app_label == rule_app and (action in actions or "*" in actions):
                codes.add(f"{app_label}.{codename}")
    return codes - NEVER


def grantable_roles(role: str, *, superuser: bool = False) -> list[str]:
    """The roles whose permissions are all within `role`'s: what a key (or anything that acts
    with a role) created by someone of that role may be given. Never the owner's."""
    if superuser:
        return [r.value for r in Role if r != Role.OWNER]
    mine = permission_codes(role)
    return [r.value for r in Role if r != Role.OWNER and permission_codes(r.value) <= mine]


def sync_role_groups() -> None:
    """Creates or updates one Group per role with its permissions (run after migrations in
    every schema, idempotent)."""
    perms = {f"{a}.{c}": pk for pk, a, c in Permission.objects.values_list("pk", "content_type__app_label", "codename")}
    with transaction.atomic():
        for role in Role:
            group, _ = Group.objects.get_or_create(name=f"role:{role.value}")
            wanted = {perms[c] for c in permission_codes(role.value) if c in perms}
            group.permissions.set(wanted)


def group_for(role: str) -> Group | None:
    return Group.objects.filter(name=f"role:{role}").first()
