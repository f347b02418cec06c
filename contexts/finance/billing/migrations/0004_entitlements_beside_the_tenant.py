"""The plans' limits now live beside each organisation (core enforces them): copy those of the
subscriptions made before, as services.sync_entitlements does from now on."""
from django.db import migrations


def copy_entitlements(apps, schema_editor):
    Organisation = apps.get_model("tenancy", "Organisation")
    for sub in apps.get_model("billing", "Subscription").objects.select_related("plan"):
        Organisation.objects.filter(schema_name=sub.schema_name).update(
            plan_name=sub.plan.name, max_users=sub.plan.max_users, max_locations=sub.plan.max_locations,
            plan_cancelled=sub.status == "cancelled")


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_french_verbose_names"), ("tenancy", "0005_organisation_plan_entitlements")]
    operations = [migrations.RunPython(copy_entitlements, migrations.RunPython.noop)]
