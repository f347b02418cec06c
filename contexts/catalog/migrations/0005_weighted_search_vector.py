"""Names weigh more than descriptions in the ranking: the product and variant name is weight A,
the rest of the search text weight D."""
from django.db import migrations

SQL = """
DROP INDEX IF EXISTS catalog_variant_search_vector;
ALTER TABLE catalog_variant DROP COLUMN search_vector;
ALTER TABLE catalog_variant ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('french'::regconfig, coalesce(name_norm, '')), 'A')
    || setweight(to_tsvector('french'::regconfig, search_text), 'D')) STORED;
CREATE INDEX catalog_variant_search_vector ON catalog_variant USING gin (search_vector);
"""
REVERSE = """
DROP INDEX IF EXISTS catalog_variant_search_vector;
ALTER TABLE catalog_variant DROP COLUMN search_vector;
ALTER TABLE catalog_variant ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, search_text)) STORED;
CREATE INDEX catalog_variant_search_vector ON catalog_variant USING gin (search_vector);
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_searchword_trgm")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
