"""The ledger is append-only: the database refuses to update or delete a movement."""
from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION inventory_refuse_ledger_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are append-only: correct with a new movement'
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_stockmovement_append_only BEFORE UPDATE OR DELETE ON inventory_stockmovement
    FOR EACH ROW EXECUTE FUNCTION inventory_refuse_ledger_change();
"""
REVERSE = """
DROP TRIGGER IF EXISTS inventory_stockmovement_append_only ON inventory_stockmovement;
DROP FUNCTION IF EXISTS inventory_refuse_ledger_change();
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
