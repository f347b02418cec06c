"""The till's fiscal journal, for an operator or an auditor:

    manage.py pos_journal check  --schema acme                 # names the first bad entry; exit 1 if any
    manage.py pos_journal export --schema acme --from 2026-01-01 --to 2026-12-31 --out acme-2026.json
    manage.py pos_journal verify-archive acme-2026.json [--key HEX]   # with this server's key by default
    manage.py pos_journal key    --schema acme                 # the tenant key (hex) to give an auditor
"""
from __future__ import annotations

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_tenant_model, tenant_context


class Command(BaseCommand):
    help = "Check the till journal, export or verify a signed archive, print the tenant key."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "export", "verify-archive", "key"])
        parser.add_argument("archive", nargs="?")
        parser.add_argument("--schema")
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument("--out")
        parser.add_argument("--key")

    def handle(self, *args, action, archive=None, schema=None, date_from=None, date_to=None, out=None, key=None, **opts):
        from contexts.pos.services import archive as archive_service, integrity, journal

        if action == "verify-archive":
            if not archive:
                raise CommandError("Give the archive file.")
            try:
                with open(archive, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                raise CommandError(f"Cannot read {archive}: {exc}")
            problems = archive_service.verify_archive(data=data, key=bytes.fromhex(key) if key else None)
            if problems:
                self.stdout.write("FAILED: " + problems[0])
                for p in problems[1:20]:
                    self.stdout.write("        " + p)
                sys.exit(1)
            self.stdout.write("OK: archive intact and signed by this tenant's key.")
            return
        if not schema:
            raise CommandError("Give the tenant's --schema.")
        tenant = get_tenant_model().objects.filter(schema_name=schema).first()
        if tenant is None:
            raise CommandError(f"No tenant {schema!r}.")
        with tenant_context(tenant):
            if action == "key":
                self.stdout.write(journal.tenant_key(schema=schema).hex())
            elif action == "check":
                report = integrity.verify_journal()
                self.stdout.write(("OK: " if report.ok else "FAILED: ") + report.message)
                for p in report.problems[1:20]:
                    self.stdout.write(f"        entry {p.seq}: {p.reason}")
                if not report.ok:
                    sys.exit(1)
            else:
                try:
                    start, end = datetime.date.fromisoformat(date_from), datetime.date.fromisoformat(date_to)
                except (TypeError, ValueError):
                    raise CommandError("Give --from and --to as YYYY-MM-DD.")
                data = archive_service.export_archive(date_from=start, date_to=end)
                if out:
                    with open(out, "wb") as fh:
                        fh.write(data)
                    self.stdout.write(f"Wrote {out} ({len(data)} bytes).")
                else:
                    self.stdout.write(data.decode("utf-8"))
