"""A contract's period is invoiced once: a column unique per contract, not a text in the notes."""
from django.db import migrations, models

PERIOD = models.CharField(blank=True, help_text="AAAA-MM (contrats)", max_length=7, verbose_name="période facturée")
# Contract invoices issued before the column had their period only in their notes ("Contrat <id>
# — période 2026-11"). Issued invoices are immutable (0002): the trigger steps aside for this
# one-off backfill of the new column only.
BACKFILL = ("ALTER TABLE finance_invoice DISABLE TRIGGER finance_invoice_immutable; "
            "UPDATE finance_invoice SET billing_period = substring(notes from 'période ([0-9]{4}-[0-9]{2})$') "
            "WHERE kind = 'invoice' AND contract_id IS NOT NULL AND notes ~ 'période [0-9]{4}-[0-9]{2}$'; "
            "ALTER TABLE finance_invoice ENABLE TRIGGER finance_invoice_immutable;")
ONE_PER_PERIOD = models.UniqueConstraint(fields=("contract_id", "billing_period"), name="finance_invoice_one_per_contract_period",
                                         condition=models.Q(kind="invoice") & ~models.Q(billing_period=""))


class Migration(migrations.Migration):
    dependencies = [("finance", "0006_french_verbose_names")]
    operations = [migrations.AddField("invoice", "billing_period", PERIOD), migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
                  migrations.AddConstraint("invoice", ONE_PER_PERIOD)]
