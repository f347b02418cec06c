"""The database backend: django-tenants' (search_path per tenant, itself over django-prometheus'
PostgreSQL backend) plus the audit trail's buffer. A command's audit rows are collected on the
connection and written in one bulk INSERT just before its transaction commits (inside it, so a
commit without its audit rows cannot happen); a rollback drops them, and a rolled-back savepoint
drops the rows recorded after it."""
from __future__ import annotations

from django.utils.asyncio import async_unsafe
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit_pending: list[tuple[tuple, object]] = []  # (savepoint ids when recorded, entry)

    def in_command(self) -> bool:
        """A transaction of the application is open whose end will flush the buffer: the
        outermost block (it commits) or, under a test's wrapping transaction, a block with a
        savepoint (it is released). A test's own blocks are not commands."""
        for i, block in enumerate(self.atomic_blocks):
            if getattr(block, "_from_testcase", False):
                continue
            if i == 0 or (i - 1 < len(self.savepoint_ids) and self.savepoint_ids[i - 1] is not None):
                return True
        return False

    def flush_audit(self) -> None:
        if not self.audit_pending:
            return
        from crm.models import AuditEntry

        entries = [entry for _, entry in self.audit_pending]
        self.audit_pending = []
        AuditEntry.objects.using(self.alias).bulk_create(entries)

    @async_unsafe
    def commit(self):
        # Atomic has already left its block when it commits: this still runs inside the transaction.
        if self.audit_pending:
            self.flush_audit()
        super().commit()

    @async_unsafe
    def rollback(self):
        self.audit_pending = []
        super().rollback()

    def close(self):
        self.audit_pending = []
        super().close()

    @async_unsafe
    def savepoint_commit(self, sid):
        super().savepoint_commit(sid)
        # Under a test's wrapping transaction, a command's outermost block is a savepoint.
        if self.audit_pending and not self.in_command():
            self.flush_audit()

    @async_unsafe
    def savepoint_rollback(self, sid):
        self.audit_pending = [(sids, e) for sids, e in self.audit_pending if sid not in sids]
        super().savepoint_rollback(sid)
