"""With a real Celery worker: events committed by publishers become fact rows once, even when
the event is delivered twice; the weekly sales report is sent by a real beat."""
import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
import time_machine

from contexts.engagement.reporting.models import DailySales, DocumentFact, SaleFact, ScheduledReport
from crm import eventbus, tasks as crm_tasks
from crm.models import OutboxEvent
from tests.contexts.engagement.reporting.helpers import TicketCompleted, publish
from tests.factories import catalog as cat
from tests.worker import process_env, start_beat, stop, wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker, pytest.mark.dates]
MONDAY = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.timezone.utc)


def _ticket(variant, total="60.00"):
    with time_machine.travel(MONDAY, tick=False):
        event = TicketCompleted(ticket_id=uuid.uuid4(), register_id=uuid.uuid4(), location_id=uuid.uuid4(), number=1,
                                cashier_id=1, customer_id=None, total=D(total), total_net=D(total) / 2 + D(total) / 3,
                                total_vat=D(total) / 6, business_date="2026-03-02",
                                items=({"variant_id": variant.id, "quantity": 2, "total": D(total)},))
        publish(event)
    return event


def test_events_from_a_real_worker_make_fact_rows_once_even_delivered_twice(celery_worker, committed_tenant):
    from contexts.finance.services import invoicing
    from tests.factories.finance import draft_invoice

    scarf = cat.variant(name="Écharpe", price="30.00")
    event = _ticket(scarf)
    invoice = invoicing.invoice_issue(invoice_id=draft_invoice().id)  # published on commit, to the worker
    wait_until(lambda: DocumentFact.objects.count() == 2, timeout=120, message="both documents in the read model")
    assert SaleFact.objects.filter(source_id=event.ticket_id).count() == 1
    assert SaleFact.objects.filter(source_id=invoice.id).count() == 2
    # Delivered again (a resend, a broker retry): the worker finds the pair handled.
    for name in ("engagement.reporting.ticket_completed", "engagement.reporting.invoice"):
        row = OutboxEvent.objects.get(name=eventbus.get_subscriber(name).event_name)
        result = crm_tasks.run_subscriber.apply_async(kwargs={"event_id": str(row.id), "subscriber": name},
                                                      headers={"_schema_name": committed_tenant.schema_name})
        assert result.get(timeout=120) == "duplicate"  # behind other tests' stale tasks on a loaded machine
    assert SaleFact.objects.count() == 3
    gross = {r.channel: r.gross for r in DailySales.objects.all()}
    assert gross == {"till": D("60.00"), "contract": invoice.total_gross}


def test_weekly_sales_report_sent_by_a_real_beat(celery_worker, committed_tenant):
    from tests.factories.core import StaffFactory

    scarf = cat.variant(name="Écharpe", price="30.00")
    _ticket(scarf, "60.00")
    wait_until(lambda: DocumentFact.objects.exists(), timeout=30, message="the ticket in the read model")
    StaffFactory(role="owner", email="patronne@boutique.fr")
    ScheduledReport.objects.create(kind="weekly_sales", weekday=0)
    beat = start_beat(env=process_env(COMPTOIR_TEST_BEAT_WEEKLY_REPORT="2026-03-09", CELERY_IMPORTS="tests.worker_tasks"))
    try:
        wait_until(lambda: ScheduledReport.objects.filter(kind="weekly_sales", last_sent_on=dt.date(2026, 3, 9)).exists(),
                   timeout=60, message="the weekly report sent")
        mails = wait_until(lambda: [p for p in celery_worker.mail_dir.glob("*.log")
                                    if "patronne@boutique.fr" in p.read_text() and "Synth" in p.read_text()],
                           timeout=30, message="the e-mail")
        text = "".join(p.read_text() for p in mails)
        assert "Total TTC : 60.00" in text
    finally:
        stop(beat)
