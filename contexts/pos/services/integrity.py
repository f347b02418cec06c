"""The integrity check: walks the journal's chain, then compares every ticket and closing
row with the entry that journaled it. Names the first entry that does not match."""
from __future__ import annotations

import hmac
import json

from contexts.pos.data import IntegrityProblem, IntegrityReport
from contexts.pos.models import Closing, EntryKind, JournalEntry, JournalHead, Tender, Ticket, TicketLine
from contexts.pos.services import journal
from contexts.pos.services.closings import closing_content
from contexts.pos.services.tickets import ticket_content

TICKET_KINDS = {EntryKind.TICKET, EntryKind.RETURN, EntryKind.VOID}
MAX_PROBLEMS = 100


def verify_journal() -> IntegrityReport:
    problems: list[IntegrityProblem] = []
    keys: dict[int, bytes] = {}
    previous, expected_seq = journal.GENESIS, 1
    totals = journal.empty_totals()
    ticket_entries: dict[str, tuple[int, dict]] = {}
    closing_entries: dict[str, tuple[int, dict]] = {}
    hashes: dict[int, str] = {}
    count = 0

    def problem(seq: int, reason: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(IntegrityProblem(seq, reason))

    rows = (JournalEntry.objects.order_by("seq")
            .values_list("seq", "kind", "reference", "content", "previous_hash", "hash", "signature", "key_version"))
    for seq, kind, reference, content_text, prev_hash, digest, signature, version in rows.iterator(chunk_size=2000):
        count += 1
        if seq != expected_seq:
            problem(expected_seq, f"missing: the entry after {expected_seq - 1} is {seq} (deleted)")
        if prev_hash != previous:
            problem(seq, f"its previous hash is not the hash of entry {seq - 1}")
        if journal.chain_hash(prev_hash, content_text) != digest:
            problem(seq, "its content does not match its hash (altered)")
        key = keys.setdefault(version, journal.tenant_key(version=version))
        if not hmac.compare_digest(journal.sign(digest, key=key), signature):
            problem(seq, "bad signature")
        try:
            content = json.loads(content_text)
        except ValueError:
            problem(seq, "unreadable content")
            content = {}
        if content.get("seq") != seq or content.get("kind") != kind:
            problem(seq, "its content names another entry")
        if kind in TICKET_KINDS and content.get("ticket"):
            totals = journal.add_to_totals(totals, total=_d(content["ticket"]["total"]),
                                           per_rate=_rates(content["lines"]), per_tender=_tenders(content["tenders"]))
            ticket_entries[reference] = (seq, content)
        elif kind == EntryKind.CLOSING and content.get("closing"):
            closing_entries[reference] = (seq, content)
        if content and journal.canonical(content.get("grand_totals")) != journal.canonical(totals):
            problem(seq, "its grand totals do not follow from the entries before")
            totals = content.get("grand_totals") or totals
        hashes[seq] = digest
        previous, expected_seq = digest, seq + 1

    head = JournalHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq > expected_seq - 1:
        problem(expected_seq, f"missing: the journal ends at {expected_seq - 1} but entry {head.last_seq} was written")

    # Every ticket row against its entry (3 queries), and entries whose ticket is gone.
    tickets = {str(t.id): t for t in Ticket.objects.all()}
    lines: dict = {}
    for ln in TicketLine.objects.all():
        lines.setdefault(str(ln.ticket_id), []).append(ln)
    tenders: dict = {}
    for t in Tender.objects.all():
        tenders.setdefault(str(t.ticket_id), []).append(t)
    for ticket_id, ticket in tickets.items():
        found = ticket_entries.get(ticket_id)
        if found is None:
            problem(ticket.journal_seq, f"ticket {ticket} has no journal entry")
            continue
        seq, content = found
        rebuilt = ticket_content(ticket, lines.get(ticket_id, []), tenders.get(ticket_id, []))
        for part in ("ticket", "lines", "tenders"):
            if journal.canonical(rebuilt[part]) != journal.canonical(content.get(part)):
                problem(seq, f"ticket {ticket}: its {part} differ from the journal (the row was altered)")
                break
    for ticket_id, (seq, _) in ticket_entries.items():
        if ticket_id not in tickets:
            problem(seq, f"ticket {ticket_id} was journaled but its row is gone (deleted)")

    # Gapless numbers per register, up to its counter: a deleted ticket shows even when the
    # journal's tail was cut with it.
    from contexts.pos.models import Register

    numbers: dict = {}
    for t in tickets.values():
        numbers.setdefault(t.register_id, {})[t.number] = t
    for register_id, code, last in Register.objects.values_list("id", "code", "last_number"):
        mine = numbers.get(register_id, {})
        for n in range(1, last + 1):
            if n not in mine:
                after = next((mine[k] for k in sorted(mine) if k > n), None)
                problem(after.journal_seq if after else expected_seq,
                        f"ticket {code}-{n:06d} is missing (numbers run to {last})")
                break

    closings = {str(c.id): c for c in Closing.objects.all()}
    for closing_id, closing in closings.items():
        found = closing_entries.get(closing_id)
        if found is None:
            problem(closing.journal_seq, f"closing {closing_id} has no journal entry")
            continue
        seq, content = found
        if journal.canonical(closing_content(closing)) != journal.canonical({"closing": content.get("closing")}):
            problem(seq, f"closing {closing_id} differs from the journal (the row was altered)")
        if closing.last_entry_seq and hashes.get(closing.last_entry_seq) != closing.last_entry_hash:
            problem(seq, f"closing {closing_id} covers entry {closing.last_entry_seq}, whose hash changed")
    for closing_id, (seq, _) in closing_entries.items():
        if closing_id not in closings:
            problem(seq, f"closing {closing_id} was journaled but its row is gone (deleted)")

    problems.sort(key=lambda p: p.seq)
    return IntegrityReport(ok=not problems, entries=count, tickets=len(tickets), closings=len(closings),
                           last_seq=expected_seq - 1, last_hash=previous,
                           first_bad_seq=problems[0].seq if problems else None, problems=tuple(problems))


def _d(value):
    from decimal import Decimal

    return Decimal(value)


def _rates(lines) -> dict:
    out: dict = {}
    for line in lines:
        net, vat = out.get(line["vat_rate"], (_d(0), _d(0)))
        out[line["vat_rate"]] = (net + _d(line["total_net"]), vat + _d(line["total_vat"]))
    return out


def _tenders(tenders) -> dict:
    out: dict = {}
    for t in tenders:
        out[t["method"]] = out.get(t["method"], _d(0)) + _d(t["amount"])
    return out
