"""The demo tenant: a French shop filled with realistic data, through each context's api."""
import random

from django.core.management.base import BaseCommand

from config.demo.data import seed_demo
from contexts.core.tenancy.services import provision_tenant
from crm import tenancy


class Command(BaseCommand):
    help = "Create (or refresh) the demo tenant with realistic data."

    def add_arguments(self, parser):
        parser.add_argument("--schema", default="demo")
        parser.add_argument("--password", default="demo-comptoir")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **opts):
        t = provision_tenant(
            schema_name=opts["schema"], name="La Boutique du Comptoir", admin_username="admin",
            admin_email="admin@boutique-comptoir.fr", admin_password=opts["password"],
        )
        self._ensure_platform_admin(opts["password"])
        with tenancy.in_tenant(t.schema_name):
            summary = seed_demo(rng=random.Random(opts["seed"]), password=opts["password"])
        for line in summary:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"demo tenant ready at {t.domain} (admin / {opts['password']})"))

    def _ensure_platform_admin(self, password):
        """A platform admin in the public schema, to manage organisations on the bare domain."""
        from contexts.core.accounts.models import User

        if not User.objects.filter(username="platform").exists():
            User.objects.create_superuser("platform", "platform@comptoir.localhost", password, role="owner")
            self.stdout.write(f"  platform admin: platform / {password}")
