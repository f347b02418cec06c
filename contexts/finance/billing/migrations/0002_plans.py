from decimal import Decimal

from django.db import migrations

PLANS = [
    ("essentiel", "Essentiel", Decimal("29.00"), 3, 1),
    ("commerce", "Commerce", Decimal("79.00"), 10, 3),
    ("reseau", "Réseau", Decimal("199.00"), None, None),
]


def seed(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Plan = apps.get_model("billing", "Plan")
    for code, name, price, users, locations in PLANS:
        Plan.objects.get_or_create(code=code, defaults={"name": name, "monthly_price": price,
                                                        "max_users": users, "max_locations": locations})


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
