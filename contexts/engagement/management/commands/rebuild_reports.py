"""Rebuilds the reporting read model of one tenant (or all) from the sources: finance's invoices,
credit notes and payments through its api; roll-ups from the fact rows."""
from django.core.management.base import BaseCommand
from django_tenants.utils import get_tenant_model, tenant_context


class Command(BaseCommand):
    help = "Reconstruit le modèle de lecture des rapports (faits et cumuls journaliers) depuis les sources."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="le schéma du locataire (tous les locataires sinon)")

    def handle(self, *args, schema=None, **options):
        from contexts.engagement.reporting import services

        tenants = get_tenant_model().objects.exclude(schema_name="public")
        if schema:
            tenants = tenants.filter(schema_name=schema)
        for tenant in tenants:
            with tenant_context(tenant):
                counts = services.rebuild()
            self.stdout.write(f"{tenant.schema_name}: {counts['invoices']} factures, {counts['payments']} paiements")
