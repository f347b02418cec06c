"""Tenant file storage: every uploaded file lives under its tenant's schema prefix
(`<schema>/catalog/...`, `<schema>/invoices/...`), whatever the field's `upload_to`, and no code
running for one tenant opens, lists or serves another tenant's file (a name outside the active
schema's prefix is refused). Media are served by `serve_media`, which applies the same rule to
the request's tenant."""
from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404

from crm import tenancy


def _normalise(name: str) -> str:
    norm = posixpath.normpath(str(name).replace("\\", "/"))
    if norm.startswith(("/", "../")) or norm in ("..", "."):
        raise SuspiciousFileOperation(f"file name outside the media folder: {name!r}")
    return norm


class TenantFileSystemStorage(FileSystemStorage):
    """FileSystemStorage scoped by the active schema."""

    def _schema(self) -> str:
        return tenancy.current_schema() or tenancy.public_schema()

    def _scoped(self, name: str) -> str:
        schema = self._schema()
        norm = _normalise(name)
        return norm if norm.startswith(f"{schema}/") else f"{schema}/{norm}"

    def _check(self, name: str) -> str:
        schema = self._schema()
        norm = _normalise(name)
        if schema != tenancy.public_schema() and not norm.startswith(f"{schema}/"):
            raise SuspiciousFileOperation(f"{name!r} is not a file of tenant {schema!r}")
        return norm

    def generate_filename(self, filename):
        return self._scoped(super().generate_filename(filename))

    def save(self, name, content, max_length=None):
        return super().save(self._scoped(name or content.name), content, max_length=max_length)

    def path(self, name):
        return super().path(self._check(name))

    def url(self, name):
        return super().url(self._check(name) if name else name)


def serve_media(request, name: str):
    """/media/<name> on a tenant's host: only that tenant's files; those under a public folder
    (`MEDIA_PUBLIC_FOLDERS`, the catalog's images) to anyone, the others (invoices...) to the
    tenant's signed-in staff. Anything else is a 404, never a hint that a file exists."""
    schema = tenancy.current_schema()
    try:
        norm = _normalise(name)
    except SuspiciousFileOperation:
        raise Http404
    if schema == tenancy.public_schema() or not norm.startswith(f"{schema}/"):
        raise Http404
    folder = norm[len(schema) + 1:].split("/", 1)[0]
    if folder not in settings.MEDIA_PUBLIC_FOLDERS:
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and user.is_staff):
            raise Http404
    try:
        handle = default_storage.open(norm, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
        raise Http404
    content_type = mimetypes.guess_type(norm)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if folder in settings.MEDIA_PUBLIC_FOLDERS else "private, no-store"
    return response
