"""The public tenant: the platform's own schema, reached on the bare platform domain."""
from django.conf import settings
from django.db import migrations


def create_public(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Organisation = apps.get_model("tenancy", "Organisation")
    Domain = apps.get_model("tenancy", "Domain")
    org, _ = Organisation.objects.get_or_create(schema_name="public", defaults={"name": "Comptoir platform"})
    for host in {settings.PLATFORM_DOMAIN, "localhost", "127.0.0.1"}:
        Domain.objects.get_or_create(domain=host, defaults={"tenant": org, "is_primary": host == settings.PLATFORM_DOMAIN})


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]
    operations = [migrations.RunPython(create_public, migrations.RunPython.noop)]
