"""A hold's owner: the caller's opaque key (commercial's "cart:<id>"), never parsed here."""
from django.db import migrations, models

OWNER = models.CharField(blank=True, db_index=True, max_length=100, verbose_name="détenteur",
                         help_text="qui la détient (une clé du contexte appelant, opaque ici)")
# Holds made before owners existed: the cart's key was the start of their reference.
BACKFILL = ("UPDATE inventory_reservation SET owner = substring(reference from '^(cart:[0-9a-f-]+)') "
            "WHERE status = 'active' AND reference LIKE 'cart:%%'")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_french_verbose_names")]
    operations = [migrations.AddField("reservation", "owner", OWNER),
                  migrations.AlterField("reservation", "reference", models.CharField(max_length=100, verbose_name="référence")),
                  migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
