from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import F, Func, Value
from django.utils.text import slugify

from contexts.catalog import storefront_cache
from contexts.catalog.models import Category
from crm import audit
from crm.rest.errors import DomainError, InvalidInput, NotFound
from django.utils.translation import gettext as _


class CategoryCycle(DomainError):
    code = "category_cycle"


def _get(category_id, *, lock=False) -> Category:
    qs = Category.objects.select_for_update() if lock else Category.objects.all()
    try:
        return qs.get(pk=category_id)
    except (Category.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such category."), field="category_id")


def category_create(*, name: str, parent_id: uuid.UUID | None = None, slug: str = "", position: int = 0) -> Category:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A category needs a name."), field="name")
    with transaction.atomic():
        parent = _get(parent_id) if parent_id else None
        category = Category(id=uuid.uuid4(), name=name, slug=slug or slugify(name)[:140], parent=parent, position=position)
        category.path = f"{parent.path if parent else ''}{category.id.hex}/"
        category.depth = parent.depth + 1 if parent else 0
        if Category.objects.filter(parent=parent, slug=category.slug).exists():
            raise InvalidInput(_("A sibling category has this slug."), field="slug")
        category.save()
    return category


def category_move(*, category_id: uuid.UUID, new_parent_id: uuid.UUID | None) -> Category:
    """Moves a category and its whole subtree under another parent (or to the root). Refuses a
    move under itself or its own descendants. Tree writes are serialised by a lock on the
    moved node and the new parent."""
    with transaction.atomic():
        category = _get(category_id, lock=True)
        parent = _get(new_parent_id, lock=True) if new_parent_id else None
        if parent is not None and parent.path.startswith(category.path):
            raise CategoryCycle(_("A category cannot move under itself or its subcategories."), field="new_parent_id")
        old_prefix, old_parent_id = category.path, category.parent_id
        new_prefix = f"{parent.path if parent else ''}{category.id.hex}/"
        depth_shift = (parent.depth + 1 if parent else 0) - category.depth
        Category.objects.filter(path__startswith=old_prefix).update(
            path=Func(F("path"), Value(old_prefix), Value(new_prefix), function="replace"),
            depth=F("depth") + depth_shift,
        )
        Category.objects.filter(pk=category.pk).update(parent=parent)
        category.refresh_from_db()
        # The subtree moves in bulk (no signals): the audit row and the storefront cache's
        # invalidation (after commit) are written here.
        storefront_cache.mark_changed()
        audit.record(action="update", instance=category, changes={
            "parent_id": [str(old_parent_id) if old_parent_id else None, str(parent.pk) if parent else None],
            "path": [old_prefix, category.path],
        })
    return category


def category_update(*, category_id: uuid.UUID, name: str, slug: str = "", position: int = 0) -> Category:
    """Renames, re-slugs or reorders a category (not its place in the tree: category_move).
    A plain save: the audit trail records the change."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A category needs a name."), field="name")
    with transaction.atomic():
        category = _get(category_id, lock=True)
        slug = slug or slugify(name)[:140]
        if Category.objects.filter(parent_id=category.parent_id, slug=slug).exclude(pk=category.pk).exists():
            raise InvalidInput(_("A sibling category has this slug."), field="slug")
        category.name, category.slug, category.position = name, slug, position
        category.save(update_fields=["name", "slug", "position"])
    return category


def descendant_ids(category: Category) -> list[uuid.UUID]:
    return list(Category.objects.filter(path__startswith=category.path).values_list("id", flat=True))
