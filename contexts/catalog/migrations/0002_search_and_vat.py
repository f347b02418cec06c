"""Search: a French full-text vector generated from search_text, a trigram index on the
normalised name (typos), a prefix index on category paths; and the French VAT classes."""
from decimal import Decimal

from django.db import migrations

SEARCH_SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
ALTER TABLE catalog_variant
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('french'::regconfig, search_text)) STORED;
CREATE INDEX catalog_variant_search_vector ON catalog_variant USING gin (search_vector);
CREATE INDEX catalog_variant_name_trgm ON catalog_variant USING gin (name_norm public.gin_trgm_ops);
CREATE INDEX catalog_category_path_prefix ON catalog_category (path text_pattern_ops);
"""
REVERSE_SQL = """
DROP INDEX IF EXISTS catalog_category_path_prefix;
DROP INDEX IF EXISTS catalog_variant_name_trgm;
DROP INDEX IF EXISTS catalog_variant_search_vector;
ALTER TABLE catalog_variant DROP COLUMN IF EXISTS search_vector;
"""

FRENCH_RATES = [
    ("normal", "Taux normal", Decimal("20.00")),
    ("intermediaire", "Taux intermédiaire", Decimal("10.00")),
    ("reduit", "Taux réduit", Decimal("5.50")),
    ("particulier", "Taux particulier", Decimal("2.10")),
    ("exonere", "Exonéré", Decimal("0.00")),
]


def seed_vat(apps, schema_editor):
    VatClass = apps.get_model("catalog", "VatClass")
    for code, name, rate in FRENCH_RATES:
        VatClass.objects.get_or_create(code=code, defaults={"name": name, "rate": rate})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [
        migrations.RunSQL(SEARCH_SQL, REVERSE_SQL),
        migrations.RunPython(seed_vat, migrations.RunPython.noop),
    ]
