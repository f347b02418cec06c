"""GDPR plumbing shared by every context: who the person is (`Subject`), how a text about them
is pseudonymised (`Subject.scrub`), the kernel's own tables scrubbed (`scrub_kernel_tables`:
audit trail, outbox, dead letters, admin log) and the export archive (`archive`: JSON + CSV).

Core owns the GDPR request and calls each context's part through `crm.hooks.call_all`:

    hooks.provide("gdpr.export.finance", gdpr.export)   # (*, subject) -> {section: [row, ...]}
    hooks.provide("gdpr.erase.finance", gdpr.erase)     # (*, subject) -> {"counts": {...}, "object_ids": [...]}

A provider of the erasure writes with QuerySet.update (no audit signal would copy the old values
into the trail) and records one audit row naming the fields it blanked, never their values."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Iterable

from django.core.serializers.json import DjangoJSONEncoder

REDACTED = "[anonymisé]"


@dataclass(frozen=True)
class Subject:
    """A person of the tenant: their client ids and shop customer ids (strings), their e-mail
    addresses; for an erasure, the terms that identify them and the pseudonym that replaces them.

    `strong_terms` identify the person wherever they appear (e-mail, full name, phone);
    `weak_terms` (a first or last name alone, an address line) only in rows already about them."""

    client_ids: tuple[str, ...] = ()
    customer_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    strong_terms: tuple[str, ...] = ()
    weak_terms: tuple[str, ...] = ()
    pseudonym: str = ""
    pseudo_email: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return self.client_ids + self.customer_ids

    def _pattern(self) -> re.Pattern | None:
        strong = sorted({t for t in self.strong_terms if t}, key=len, reverse=True)
        weak = sorted({t for t in self.weak_terms if len(t) >= 2}, key=len, reverse=True)
        parts = [re.escape(t) for t in strong] + [rf"\b{re.escape(t)}\b" for t in weak]
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def scrub(self, value: Any) -> Any:
        """`value` (a string, or JSON: dicts, lists) with every term of the person replaced."""
        pattern = self._pattern()
        if pattern is None:
            return value
        return _scrub(value, pattern, self.pseudonym or REDACTED)


def _scrub(value: Any, pattern: re.Pattern, replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, pattern, replacement): _scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scrub_rows(model, *, subject: Subject, text_fields: Iterable[str], json_fields: Iterable[str] = (),
               id_fields: Iterable[str] = (), ids: Iterable[str] = ()) -> int:
    """Pseudonymises the rows of `model` about the person: those whose `id_fields` hold one of
    their ids, or whose text or JSON mentions a strong term (found by one ILIKE scan, then
    rewritten row by row). Returns the number of rows changed."""
    from django.db.models import Q
    from django.db.models.functions import Cast
    from django.db.models import TextField

    text_fields, json_fields, id_fields = list(text_fields), list(json_fields), list(id_fields)
    condition = Q()
    ids = [str(i) for i in (*subject.ids, *ids)]
    for name in id_fields:
        condition |= Q(**{f"{name}__in": ids})
    annotations = {f"_gdpr_{name}": Cast(name, TextField()) for name in json_fields}
    for term in (t for t in subject.strong_terms if t):
        for name in text_fields:
            condition |= Q(**{f"{name}__icontains": term})
        for name in json_fields:
            condition |= Q(**{f"_gdpr_{name}__icontains": term})
    if not condition:
        return 0
    changed = 0
    queryset = model._base_manager.annotate(**annotations).filter(condition).only("pk", *text_fields, *json_fields)
    for row in queryset.iterator():
        values = {name: subject.scrub(getattr(row, name)) for name in (*text_fields, *json_fields)}
        values = {k: v for k, v in values.items() if v != getattr(row, k)}
        if values:
            model._base_manager.filter(pk=row.pk).update(**values)
            changed += 1
    return changed


def scrub_kernel_tables(*, subject: Subject, object_ids: Iterable[str] = ()) -> dict[str, int]:
    """The kernel's rows about the person: audit trail values and labels, outbox payloads,
    dead letters, the admin's change log. `object_ids`: the person's records in every context
    (orders, shipments...), whose audit rows are rewritten even without a strong term."""
    object_ids = list(object_ids)
    from django.contrib.admin.models import LogEntry

    from crm.models import AuditEntry, DeadLetter, OutboxEvent

    return {
        "audit_entries": scrub_rows(AuditEntry, subject=subject, text_fields=["actor_label", "object_repr"],
                                    json_fields=["changes"], id_fields=["object_id", "actor_id"], ids=object_ids),
        "outbox_events": scrub_rows(OutboxEvent, subject=subject, text_fields=[], json_fields=["payload"]),
        "dead_letters": scrub_rows(DeadLetter, subject=subject, text_fields=["error"], json_fields=["payload"]),
        "admin_log": scrub_rows(LogEntry, subject=subject, text_fields=["object_repr", "change_message"],
                                id_fields=["object_id"], ids=object_ids),
    }


def rows(queryset, *, exclude: Iterable[str] = ()) -> list[dict]:
    """Every concrete field of the rows as plain dicts (values()), less `exclude` (secrets)."""
    exclude = set(exclude)
    names = [f.attname for f in queryset.model._meta.concrete_fields if f.attname not in exclude and f.name not in exclude]
    return list(queryset.values(*names))


def erase_rows(queryset, *, subject: Subject, values: dict | None = None, scrub: Iterable[str] = (),
               scrub_json: Iterable[str] = ()) -> list[str]:
    """The person's rows of one model: `values` written over their personal fields, the free
    texts (`scrub`, `scrub_json`) rewritten with the pseudonym; one audit row naming the fields,
    never their values (QuerySet.update sends no signal, so the trail gets no old value).
    Returns the ids of the rows (their audit rows are then scrubbed by the kernel)."""
    from crm import audit

    scrub, scrub_json = list(scrub), list(scrub_json)
    model = queryset.model
    ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
    if not ids:
        return []
    if values:
        model._base_manager.filter(pk__in=ids).update(**values)
    for row in model._base_manager.filter(pk__in=ids).only("pk", *scrub, *scrub_json).iterator():
        changed = {name: subject.scrub(getattr(row, name)) for name in (*scrub, *scrub_json)}
        changed = {k: v for k, v in changed.items() if v != getattr(row, k)}
        if changed:
            model._base_manager.filter(pk=row.pk).update(**changed)
    audit.record(action="gdpr_erase", object_type=model._meta.label_lower, object_id=subject.pseudonym,
                 changes={"fields": sorted({*(values or {}), *scrub, *scrub_json}), "rows": len(ids), "ids": ids[:200]})
    return ids


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if value is None:
        return ""
    return value if isinstance(value, (str, int, float)) else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def archive(*, sections: dict[str, list[dict]], manifest: dict) -> bytes:
    """A ZIP: manifest.json, then `<section>.json` and `<section>.csv` for every section
    (a section with no row is listed in the manifest and still gets its files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        manifest = {**manifest, "sections": {name: len(items) for name, items in sections.items()}}
        archive_file.writestr("manifest.json", json.dumps(manifest, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for name, items in sections.items():
            archive_file.writestr(f"{name}.json", json.dumps(items, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            header: list[str] = []
            for item in items:
                header += [k for k in item if k not in header]
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(header)
            for item in items:
                writer.writerow([_csv_cell(item.get(k)) for k in header])
            archive_file.writestr(f"{name}.csv", "\ufeff" + out.getvalue())
    return buffer.getvalue()


def register(context: str, module) -> None:
    """In a context's AppConfig.ready: its `export` and `erase` functions answer core's requests."""
    from crm import hooks

    hooks.provide(f"gdpr.export.{context}", module.export)
    hooks.provide(f"gdpr.erase.{context}", module.erase)
