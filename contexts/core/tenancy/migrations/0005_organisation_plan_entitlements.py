"""The plan's limits kept beside the organisation (finance's billing sets them)."""
from django.db import migrations, models

FIELDS = {
    "plan_name": models.CharField(blank=True, max_length=60, verbose_name="formule"),
    "plan_cancelled": models.BooleanField(default=False, verbose_name="abonnement annulé"),
    "max_users": models.PositiveIntegerField(blank=True, null=True, verbose_name="utilisateurs max."),
    "max_locations": models.PositiveIntegerField(blank=True, null=True, verbose_name="emplacements max."),
}


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0004_french_verbose_names")]
    operations = [migrations.AddField("organisation", name, field) for name, field in FIELDS.items()]
