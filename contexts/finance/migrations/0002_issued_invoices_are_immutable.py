"""The database itself refuses to change or delete an issued invoice, its lines, its VAT lines
or its documents — whatever the code path (ORM, raw SQL, admin, a script)."""
from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION finance_refuse_issued_invoice_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'issued' THEN
        RAISE EXCEPTION 'invoice % is issued: it can never change or be deleted (issue a credit note)', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION finance_refuse_issued_child_change() RETURNS trigger AS $$
DECLARE
    parent_id uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN parent_id := NEW.invoice_id; ELSE parent_id := OLD.invoice_id; END IF;
    IF EXISTS (SELECT 1 FROM finance_invoice WHERE id = parent_id AND status = 'issued') THEN
        RAISE EXCEPTION 'invoice % is issued: its % rows can never change', parent_id, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER finance_invoice_immutable BEFORE UPDATE OR DELETE ON finance_invoice
    FOR EACH ROW EXECUTE FUNCTION finance_refuse_issued_invoice_change();
CREATE TRIGGER finance_invoiceline_immutable BEFORE INSERT OR UPDATE OR DELETE ON finance_invoiceline
    FOR EACH ROW EXECUTE FUNCTION finance_refuse_issued_child_change();
CREATE TRIGGER finance_invoicevatline_immutable BEFORE INSERT OR UPDATE OR DELETE ON finance_invoicevatline
    FOR EACH ROW EXECUTE FUNCTION finance_refuse_issued_child_change();

CREATE OR REPLACE FUNCTION finance_refuse_document_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'invoice documents are append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER finance_invoicedocument_append_only BEFORE UPDATE OR DELETE ON finance_invoicedocument
    FOR EACH ROW EXECUTE FUNCTION finance_refuse_document_change();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS finance_invoice_immutable ON finance_invoice;
DROP TRIGGER IF EXISTS finance_invoiceline_immutable ON finance_invoiceline;
DROP TRIGGER IF EXISTS finance_invoicevatline_immutable ON finance_invoicevatline;
DROP TRIGGER IF EXISTS finance_invoicedocument_append_only ON finance_invoicedocument;
DROP FUNCTION IF EXISTS finance_refuse_issued_invoice_change();
DROP FUNCTION IF EXISTS finance_refuse_issued_child_change();
DROP FUNCTION IF EXISTS finance_refuse_document_change();
"""


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
