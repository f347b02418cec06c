"""The audit trail: who (user, API key, customer or the system) changed what (object, fields
with old and new values), when, in which request.

Every save and delete of a model of an audited app (settings.AUDITED_APPS, less
AUDIT_EXCLUDED_MODELS: carts, reservations, ledgers) is recorded by signal receivers, whatever the
write path (API, admin, services, tasks). Bulk operations (QuerySet.update, bulk_create) bypass
signals: services that use them call `record()` themselves.

Inside a command's transaction the rows are collected on the connection and written in one bulk
INSERT just before it commits (crm.dbbackend); outside any transaction a row is written at once."""
from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, models, router
from django.db.models.signals import post_delete, post_init, post_save, pre_save

from crm.observability import current_request_id


@dataclass(frozen=True)
class Actor:
    type: str  # user, api_key, customer, system
    id: str
    label: str


SYSTEM = Actor("system", "", "system")
_request_var: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_request", default=None)
_actor_var: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


def current_actor() -> Actor:
    explicit = _actor_var.get()
    if explicit is not None:
        return explicit
    request = _request_var.get()
    if request is None:
        return SYSTEM
    principal = getattr(request, "user", None)  # DRF sets the authenticated user here too
    actor = getattr(principal, "audit_actor", None)
    if actor is not None:
        return actor
    if principal is not None and getattr(principal, "is_authenticated", False):
        return Actor("user", str(principal.pk), principal.get_username())
    return Actor("anonymous", "", "anonymous")


@contextlib.contextmanager
def acting_as(actor: Actor):
    """with acting_as(Actor("system", "", "beat: dunning")): ... — for tasks and commands."""
    token = _actor_var.set(actor)
    try:
        yield actor
    finally:
        _actor_var.reset(token)


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_var.set(request)
        try:
            return self.get_response(request)
        finally:
            _request_var.reset(token)


def _json(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.attname: _json(getattr(instance, f.attname)) for f in instance._meta.concrete_fields
            if f.attname not in _SECRET_FIELDS}


# api_key: an outside provider's credential (AI content, carriers)
_SECRET_FIELDS = {"password", "secret_hash", "secret", "token_hash", "api_key"}


def record(*, action: str, instance: models.Model | None = None, object_type: str = "", object_id: str = "",
           changes: dict | None = None, actor: Actor | None = None) -> None:
    from crm.models import AuditEntry

    actor = actor or current_actor()
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
    entry = AuditEntry(
        actor_type=actor.type, actor_id=actor.id[:64], actor_label=actor.label[:200], action=action,
        object_type=object_type, object_id=object_id[:64], object_repr=str(instance)[:200] if instance is not None else "",
        changes=changes or {}, request_id=current_request_id()[:64],
    )
    connection = connections[router.db_for_write(AuditEntry)]
    if getattr(connection, "in_command", None) and connection.in_command():
        connection.audit_pending.append((tuple(connection.savepoint_ids), entry))
    else:
        entry.save(force_insert=True)


def _audited(sender) -> bool:
    return sender._meta.app_label in settings.AUDITED_APPS and sender._meta.label_lower not in settings.AUDIT_EXCLUDED_MODELS


_UNLOADED = object()


def _loaded_values(instance: models.Model) -> dict[str, Any]:
    """The field values as read from the database (or last saved); mutable values copied, so an
    in-place change of a JSON field still shows in the diff."""
    values = {}
    for f in instance._meta.concrete_fields:
        value = instance.__dict__.get(f.attname, _UNLOADED)
        values[f.attname] = copy.deepcopy(value) if isinstance(value, (dict, list)) else value
    return values


def _remember_loaded(sender, instance, **kwargs):
    if _audited(sender):
        instance._audit_loaded = _loaded_values(instance)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    instance._audit_before = None
    if instance.pk is not None and not instance._state.adding:
        loaded = getattr(instance, "_audit_loaded", None)
        if loaded is not None and _UNLOADED not in loaded.values():
            # The values this instance was read with (under the service's row lock, usually):
            # no second read of the row.
            instance._audit_before = {k: _json(v) for k, v in loaded.items() if k not in _SECRET_FIELDS}
            return
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._audit_before = _snapshot(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    after = _snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    instance._audit_loaded = _loaded_values(instance)  # the next save diffs against this one
    if created or before is None:
        record(action="create", instance=instance, changes={k: [None, v] for k, v in after.items()})
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        record(action="update", instance=instance, changes=changes)


def _after_delete(sender, instance, **kwargs):
    if _audited(sender):
        record(action="delete", instance=instance, changes={k: [v, None] for k, v in _snapshot(instance).items()})


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="crm_audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="crm_audit_post_save")
    post_init.connect(_remember_loaded, dispatch_uid="crm_audit_post_init")
    post_delete.connect(_after_delete, dispatch_uid="crm_audit_post_delete")
