from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_searchword")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX catalog_searchword_trgm ON catalog_searchword USING gin (word public.gin_trgm_ops);"
            "DROP INDEX IF EXISTS catalog_variant_name_trgm;",
            "DROP INDEX IF EXISTS catalog_searchword_trgm;"
            "CREATE INDEX catalog_variant_name_trgm ON catalog_variant USING gin (name_norm public.gin_trgm_ops);",
        ),
    ]
