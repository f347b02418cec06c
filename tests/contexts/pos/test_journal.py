"""The fiscal journal: chained, signed, checked; tampering is named."""
import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from contexts.pos import archive_verify
from contexts.pos.models import EntryKind, JournalEntry, Ticket
from contexts.pos.services import archive, integrity, journal, sessions, tickets
from tests.factories import pos as f

AT = datetime.datetime(2026, 3, 14, 10, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def till(tenant):
    reg = f.register()
    return reg, f.session(reg, at=AT)


def _sell_many(sess, variants, n):
    """n tickets of 1 to 3 lines, mixed tenders, a return every 10 tickets."""
    made = []
    for i in range(n):
        lines = [(variants[(i + k) % len(variants)], 1 + (i + k) % 2) for k in range(1 + i % 3)]
        tenders = [{"method": "card", "amount": "5.00", "reference": f"T{i}"}, {"method": "cash", "amount": "500.00"}]
        made.append(f.sale(sess, lines, tenders=tenders, at=AT + datetime.timedelta(seconds=i)))
        if i % 10 == 9:
            line = made[-1].lines.first()
            tickets.return_items(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id,
                                 original_ticket_id=made[-1].id, lines=[{"line_id": line.id, "quantity": 1}],
                                 refund_method="original", at=AT + datetime.timedelta(seconds=i, milliseconds=500))
    return made


def _tamper(sql, params=()):
    """Raw SQL with the immutability triggers disabled (what a superuser could do)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def test_entries_are_chained_and_signed(till):
    reg, sess = till
    v = f.stocked_variant(reg.location_id, price="10.00")
    f.sale(sess, [(v, 1)], at=AT)
    f.sale(sess, [(v, 2)], at=AT)
    first, second = JournalEntry.objects.order_by("seq")
    assert first.seq == 1 and first.previous_hash == journal.GENESIS
    assert second.previous_hash == first.hash
    assert second.hash == journal.chain_hash(first.hash, second.content)
    assert second.signature == journal.sign(second.hash, key=journal.tenant_key())
    totals = json.loads(second.content)["grand_totals"]
    assert totals["gross"] == "30.00" and totals["per_tender"] == {"cash": "30.00"}
    assert totals["per_rate"] == {"20.00": {"net": "25.00", "vat": "5.00"}}
    assert "key" not in {f.name for f in JournalEntry._meta.get_fields()}


def test_the_key_differs_per_tenant(tenant):
    assert journal.tenant_key(schema="alpha") != journal.tenant_key(schema="beta")


@pytest.mark.dates
def test_check_passes_on_1000_tickets_and_names_the_altered_then_the_deleted_entry(till):
    reg, sess = till
    variants = [f.stocked_variant(reg.location_id, quantity=5000, price=p) for p in ("9.90", "14.50", "3.20")]
    made = _sell_many(sess, variants, 1000)
    sessions.close_session(session_id=sess.id, counted={"cash": Decimal("100.00")}, closed_by_id=sess.cashier_id,
                           at=AT + datetime.timedelta(hours=2))
    report = integrity.verify_journal()
    assert report.ok, report.message
    assert report.tickets == 1100 and report.closings == 1 and report.entries == 1101

    victim = made[500]
    _tamper("UPDATE pos_ticket SET total = total - 1, total_net = total_net - 1 WHERE id = %s", [victim.id])
    report = integrity.verify_journal()
    assert not report.ok and report.first_bad_seq == victim.journal_seq
    assert str(victim) in report.message

    _tamper("UPDATE pos_ticket SET total = total + 1, total_net = total_net + 1 WHERE id = %s", [victim.id])
    assert integrity.verify_journal().ok
    entry = JournalEntry.objects.get(seq=300)
    _tamper("UPDATE pos_journalentry SET content = replace(content, '\"total\":', '\"total\": ') WHERE seq = 300")
    report = integrity.verify_journal()
    assert report.first_bad_seq == 300 and "altered" in report.message

    _tamper("UPDATE pos_journalentry SET content = %s WHERE seq = 300", [entry.content])
    _tamper("DELETE FROM pos_journalentry WHERE seq = 700")
    report = integrity.verify_journal()
    assert report.first_bad_seq == 700 and "missing" in report.message


def test_a_deleted_ticket_row_is_named(till):
    reg, sess = till
    v = f.stocked_variant(reg.location_id)
    f.sale(sess, [(v, 1)], at=AT)
    gone = f.sale(sess, [(v, 1)], at=AT)
    _tamper("DELETE FROM pos_tender WHERE ticket_id = %s", [gone.id])
    _tamper("DELETE FROM pos_ticketline WHERE ticket_id = %s", [gone.id])
    _tamper("DELETE FROM pos_ticket WHERE id = %s", [gone.id])
    report = integrity.verify_journal()
    assert report.first_bad_seq == gone.journal_seq and "deleted" in report.message


def test_the_last_entry_deleted_is_named(till):
    reg, sess = till
    v = f.stocked_variant(reg.location_id)
    f.sale(sess, [(v, 1)], at=AT)
    last = f.sale(sess, [(v, 1)], at=AT)
    tickets.record_duplicate_print(ticket_id=last.id, by_id=sess.cashier_id, at=AT)
    _tamper("DELETE FROM pos_journalentry WHERE seq = 3")
    report = integrity.verify_journal()
    assert report.first_bad_seq == 3


def test_a_signed_archive_verifies_alone_and_fails_when_edited(till, tmp_path):
    reg, sess = till
    v = f.stocked_variant(reg.location_id, price="10.00")
    for i in range(5):
        f.sale(sess, [(v, 1)], at=AT + datetime.timedelta(minutes=i))
    sessions.close_session(session_id=sess.id, counted={"cash": Decimal("150.00")}, closed_by_id=sess.cashier_id,
                           at=AT + datetime.timedelta(hours=1))
    data = archive.export_archive(date_from=AT.date(), date_to=AT.date())
    assert archive.verify_archive(data=data) == []
    path = tmp_path / "archive.json"
    path.write_bytes(data)
    key = journal.tenant_key().hex()
    assert archive_verify.main([str(path), "--key", key]) == 0
    assert archive_verify.main([str(path), "--key", "00" * 32]) == 1

    document = json.loads(data)
    document["entries"][2]["content"] = document["entries"][2]["content"].replace('"10.00"', '"1.00"', 1)
    problems, _ = archive_verify.verify(document, bytes.fromhex(key))
    assert problems and any("entry 3" in p for p in problems)


def test_duplicate_entries_do_not_move_the_grand_totals(till):
    reg, sess = till
    ticket = f.sale(sess, [(f.stocked_variant(reg.location_id, price="10.00"), 1)], at=AT)
    tickets.record_duplicate_print(ticket_id=ticket.id, by_id=sess.cashier_id, at=AT)
    entry = JournalEntry.objects.get(kind=EntryKind.DUPLICATE)
    assert json.loads(entry.content)["grand_totals"]["gross"] == "10.00"
    assert integrity.verify_journal().ok
    assert Ticket.objects.count() == 1


def test_the_command_checks_exports_and_verifies(till, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    reg, sess = till
    f.sale(sess, [(f.stocked_variant(reg.location_id, price="10.00"), 1)], at=AT)
    out = StringIO()
    call_command("pos_journal", "check", "--schema", "alpha", stdout=out)
    assert out.getvalue().startswith("OK: Journal intact: 1 entries")
    path = tmp_path / "a.json"
    call_command("pos_journal", "export", "--schema", "alpha", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--out", str(path), stdout=StringIO())
    out = StringIO()
    call_command("pos_journal", "verify-archive", str(path), stdout=out)
    assert out.getvalue().startswith("OK")
    _tamper("UPDATE pos_journalentry SET signature = repeat('0', 64) WHERE seq = 1")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("pos_journal", "check", "--schema", "alpha", stdout=out)
    assert "Entry 1: bad signature" in out.getvalue()


def test_a_ticket_deleted_with_the_tail_of_the_journal_and_the_head_reset_is_still_found(till):
    reg, sess = till
    v = f.stocked_variant(reg.location_id)
    f.sale(sess, [(v, 1)], at=AT)
    last = f.sale(sess, [(v, 1)], at=AT)
    first_hash = JournalEntry.objects.get(seq=1).hash
    _tamper("DELETE FROM pos_tender WHERE ticket_id = %s", [last.id])
    _tamper("DELETE FROM pos_ticketline WHERE ticket_id = %s", [last.id])
    _tamper("DELETE FROM pos_ticket WHERE id = %s", [last.id])
    _tamper("DELETE FROM pos_journalentry WHERE seq = 2")
    _tamper("UPDATE pos_journalhead SET last_seq = 1, last_hash = %s", [first_hash])
    report = integrity.verify_journal()
    assert not report.ok and f"{reg.code}-000002 is missing" in report.message
