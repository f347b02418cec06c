import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail

from contexts.finance.models import Invoice, Reminder
from contexts.finance.services import dunning, payments, schedules
from crm.rest.errors import InvalidInput
from tests.factories.finance import issued_invoice

pytestmark = pytest.mark.dates


def _issued_on(day: dt.date, **kwargs) -> Invoice:
    from contexts.finance.services import invoicing
    from tests.factories.finance import draft_invoice

    return invoicing.invoice_issue(invoice_id=draft_invoice(**kwargs).id, issue_date=day)


def test_schedule_splits_to_the_cent_on_business_days(seller):
    invoice = _issued_on(dt.date(2026, 5, 14))  # 95.00
    schedule = schedules.schedule_create(invoice_id=invoice.id, installments=3, first_due=dt.date(2026, 7, 14))
    rows = list(schedule.installments.values_list("due_date", "amount"))
    assert rows == [(dt.date(2026, 7, 15), D("31.67")),   # 14 July -> 15
                    (dt.date(2026, 8, 14), D("31.67")),   # a Friday
                    (dt.date(2026, 9, 14), D("31.66"))]
    assert sum(a for _, a in rows) == invoice.total_gross
    with pytest.raises(schedules.ScheduleExists):
        schedules.schedule_create(invoice_id=invoice.id, installments=2)
    with pytest.raises(InvalidInput) as err:
        schedules.schedule_create(invoice_id=issued_invoice().id, installments=1)
    assert err.value.field == "installments"


def test_dunning_levels_are_sent_once_highest_first_and_paused_by_a_dispute(seller):
    invoice = _issued_on(dt.date(2026, 9, 1))  # due 2026-10-01
    due = invoice.due_date
    assert dunning.run(today=due + dt.timedelta(days=6)) == 0
    assert dunning.run(today=due + dt.timedelta(days=7)) == 1
    assert dunning.run(today=due + dt.timedelta(days=8)) == 0  # level 1 already sent
    dunning.hold(invoice_id=invoice.id, reason="dispute", note="colis abîmé")
    assert dunning.run(today=due + dt.timedelta(days=40)) == 0
    dunning.lift(invoice_id=invoice.id)
    assert dunning.run(today=due + dt.timedelta(days=40)) == 1  # straight to the formal notice
    assert list(Reminder.objects.filter(invoice=invoice).values_list("level", "kind")) == [(1, "email"), (3, "formal_notice")]


def test_a_promise_pauses_until_its_date_and_payment_stops_dunning(seller):
    invoice = _issued_on(dt.date(2026, 9, 1))
    due = invoice.due_date
    dunning.hold(invoice_id=invoice.id, reason="promise", until=due + dt.timedelta(days=20))
    assert dunning.run(today=due + dt.timedelta(days=15)) == 0
    assert dunning.run(today=due + dt.timedelta(days=21)) == 1
    payments.record_payment(client_id=invoice.client_id, method="transfer", amount=invoice.total_gross)
    assert dunning.run(today=due + dt.timedelta(days=45)) == 0
    with pytest.raises(InvalidInput) as err:
        dunning.hold(invoice_id=invoice.id, reason="promise")
    assert err.value.field == "until"


def test_a_partly_paid_invoice_is_reminded_for_what_is_left(seller):
    invoice = _issued_on(dt.date(2026, 9, 1))
    payments.record_payment(client_id=invoice.client_id, method="cheque", amount="45.00")
    dunning.run(today=invoice.due_date + dt.timedelta(days=7))
    assert Reminder.objects.get(invoice=invoice).amount_due == D("50.00")


@pytest.mark.committed
@pytest.mark.worker
def test_the_dunning_job_runs_in_a_real_worker_per_tenant(celery_worker, committed_tenant):
    from contexts.finance import tasks
    from contexts.finance.services import invoicing
    from tests.factories.core import CompanyClientFactory
    from tests.factories.finance import draft_invoice
    from tests.worker import wait_until

    committed_tenant.siren = "732829320"
    client = CompanyClientFactory(email="compta@client.fr")
    # Issued on Friday 3 July 2026, due (30 days, next business day) on Monday 3 August; on
    # Thursday 3 September it is 31 days overdue: the formal notice. The date is passed, not read.
    invoice = invoicing.invoice_issue(invoice_id=draft_invoice(client=client).id, issue_date=dt.date(2026, 7, 3))
    assert invoice.due_date == dt.date(2026, 8, 3)
    tasks.run_dunning.apply_async(kwargs={"today": "2026-09-03"}, headers={"_schema_name": "gamma"})
    wait_until(lambda: Reminder.objects.filter(invoice=invoice).exists(), message="the reminder")
    reminder = Reminder.objects.get(invoice=invoice)
    assert (reminder.level, reminder.kind, reminder.sent_to) == (3, "formal_notice", "compta@client.fr")
    # The session's worker writes every test's mail to this folder: wait for this one's, not any.
    notice = f"Mise en demeure de payer la facture {invoice.number}"
    text = wait_until(lambda: next((t for t in (p.read_text() for p in celery_worker.mail_dir.glob("*.log"))
                                    if notice in t), None), message="the formal notice e-mail")
    assert "compta@client.fr" in text
    from crm.models import AuditEntry

    assert AuditEntry.objects.filter(object_type="finance.reminder", actor_label="beat: dunning").exists()
    assert not mail.outbox  # nothing sent from the test process itself
