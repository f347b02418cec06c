"""The database itself refuses to change or delete a ticket, its lines and tenders, a journal
entry or a closing, whatever the code path (ORM, raw SQL, admin, a script): the same mechanism
as finance's issued invoices. Tampering needs the trigger disabled (ALTER TABLE ... DISABLE
TRIGGER, a superuser's act) and is then found by the journal's integrity check."""
from django.db import migrations

TABLES = ["pos_ticket", "pos_ticketline", "pos_tender", "pos_journalentry", "pos_closing"]

SQL = r"""
CREATE OR REPLACE FUNCTION pos_refuse_fiscal_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are fiscal records: they can never change or be deleted (record a return, a void or a new closing)', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
""" + "".join(f"""
CREATE TRIGGER {t}_immutable BEFORE UPDATE OR DELETE ON {t}
    FOR EACH ROW EXECUTE FUNCTION pos_refuse_fiscal_change();""" for t in TABLES)

REVERSE = "".join(f"DROP TRIGGER IF EXISTS {t}_immutable ON {t};\n" for t in TABLES) + \
    "DROP FUNCTION IF EXISTS pos_refuse_fiscal_change();\n"


class Migration(migrations.Migration):
    dependencies = [("pos", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
