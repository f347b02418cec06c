from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contexts.core.tenancy.services import provision_tenant


class Command(BaseCommand):
    help = "Create a tenant: its schema (migrated), its primary domain and its first admin user."

    def add_arguments(self, parser):
        parser.add_argument("schema_name")
        parser.add_argument("--name", required=True)
        parser.add_argument("--domain", help="defaults to <schema>.<COMPTOIR_PLATFORM_DOMAIN>")
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument("--admin-email", default="")
        parser.add_argument("--admin-password", help="leave out for an unusable password (set it later)")

    def handle(self, *args, **opts):
        try:
            t = provision_tenant(
                schema_name=opts["schema_name"], name=opts["name"], domain=opts["domain"],
                admin_username=opts["admin_username"], admin_email=opts["admin_email"],
                admin_password=opts["admin_password"],
            )
        except ValidationError as exc:
            raise CommandError(f"invalid tenant: {exc.messages}")
        self.stdout.write(self.style.SUCCESS(f"tenant {t.schema_name} at {t.domain} (admin user: {t.admin_username})"))
