"""Admin building blocks shared by the contexts, on the django-unfold theme:

- `ModelAdmin`, `TabularInline`, `StackedInline`: the theme's classes, which every context's
  admin uses (one look, navigation, filters, tabs);
- `ReadOnlyAdmin`, `ReadOnlyInline`: pages and inlines for what the application writes and
  people only read (ledgers, histories, audit, outbox); `addable`/`deletable` for pages people
  may edit but not add to or delete from; `DraftLinesInline`: lines editable while a draft;
- `CrossContextLinksMixin` and `cross_context_link`: a column showing another context's object
  (a client's name, a product's name) as a link instead of its UUID, resolved through that
  context's api.py in ONE call per changelist page, whatever the page size.

The kernel knows no context: a resolver is a function, or the name of one in
`settings.ADMIN_LINK_RESOLVERS` ("client", "variant"), which config wires to the owning
context's api.py: an admin shows another context's objects without importing it.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.html import format_html
from unfold.admin import ModelAdmin as _UnfoldModelAdmin
from unfold.admin import StackedInline as _UnfoldStackedInline
from unfold.admin import TabularInline as _UnfoldTabularInline

# A resolver takes ids and returns {id: (label, url or "")}: one query for the whole list.
Resolver = Callable[[list], dict[Any, tuple[str, str]]]
_CACHE_ATTR = "_cross_context_links"


class CrossContextLinksMixin:
    """Declare `cross_context_links = {"client_id": resolver}`; show the column with
    `cross_context_link("client_id", "client")` in list_display or readonly_fields."""

    cross_context_links: dict[str, Resolver] = {}

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.cross_context_links:
            rows = list(changelist.result_list)  # evaluated once: the template reuses these rows
            resolve_links(rows, self.cross_context_links)
        return changelist


def admin_url(name: str, *args) -> str:
    """The admin page's URL, or "" where that admin is not mounted (the platform's site)."""
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return ""


def _resolver(resolver: Resolver | str) -> Resolver:
    if isinstance(resolver, str):
        function = import_string(settings.ADMIN_LINK_RESOLVERS[resolver])
        return lambda ids: function(ids=ids)
    return resolver


def resolve_links(rows: Iterable, resolvers: dict[str, Resolver | str]) -> None:
    rows = list(rows)
    for field, resolver in resolvers.items():
        ids = sorted({getattr(r, field) for r in rows if getattr(r, field, None)}, key=str)
        found = _resolver(resolver)(ids) if ids else {}
        for row in rows:
            links = row.__dict__.setdefault(_CACHE_ATTR, {})
            links[field] = found.get(getattr(row, field, None))


def cross_context_link(field: str, description: str, resolver: Resolver | None = None):
    """A display callable for `field` (an id of another context's object). On a changelist the
    mixin has resolved the page's ids; on a change page the one object is resolved here."""

    def display(self_or_obj, obj=None):
        obj = obj if obj is not None else self_or_obj
        value = getattr(obj, field, None)
        if not value:
            return "—"
        links = obj.__dict__.get(_CACHE_ATTR, {})
        if field not in links:
            admin_obj = self_or_obj if obj is not self_or_obj else None
            res = resolver or (getattr(admin_obj, "cross_context_links", {}) or {}).get(field)
            resolve_links([obj], {field: res} if res else {})
            links = obj.__dict__.get(_CACHE_ATTR, {})
        found = links.get(field)
        if found is None:
            return format_html('<span title="{}">{}…</span>', value, str(value)[:8])
        label, url = found
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    display.short_description = description
    display.__name__ = f"{field}_link"
    return display


class ModelAdmin(CrossContextLinksMixin, _UnfoldModelAdmin):
    list_per_page = 50
    list_filter_submit = True  # unfold: filters apply together, with one button
    warn_unsaved_form = True
    # False for rows the application writes (through the API, Stripe, a service): no add or
    # delete button, whatever the user's permissions.
    addable = deletable = True

    def has_add_permission(self, request):
        return self.addable and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


class TabularInline(_UnfoldTabularInline):
    pass


class StackedInline(_UnfoldStackedInline):
    pass


class DraftLinesInline(TabularInline):
    """A document's lines: editable while `editable(document)` holds (a draft), read-only after."""

    extra = 0

    def editable(self, document) -> bool:
        return True

    def has_add_permission(self, request, obj=None):
        return obj is None or self.editable(obj)

    has_change_permission = has_delete_permission = has_add_permission


class ReadOnlyAdmin(ModelAdmin):
    addable = deletable = False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


__all__ = ["ModelAdmin", "TabularInline", "StackedInline", "DraftLinesInline", "ReadOnlyAdmin", "ReadOnlyInline",
           "CrossContextLinksMixin", "cross_context_link", "resolve_links", "admin"]
