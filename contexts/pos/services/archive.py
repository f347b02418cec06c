"""Signed archive of a period: the journal entries (exact stored content, hashes,
signatures), the closings, the anchor (the entry before the period, with its grand totals), a
digest of the whole and its HMAC-SHA256 signature with the tenant key. Checked by
`contexts/pos/archive_verify.py` (standard library only: an auditor runs it alone)."""
from __future__ import annotations

import datetime
import hashlib
import json

from django.db import connection
from django.utils import timezone

from contexts.core import api as core_api
from contexts.pos import archive_verify
from contexts.pos.models import Closing, JournalEntry
from contexts.pos.services import journal
from contexts.pos.services._common import InvalidInput
from contexts.pos.services.closings import closing_content
from django.utils.translation import gettext as _


def export_archive(*, date_from: datetime.date, date_to: datetime.date, now: datetime.datetime | None = None) -> bytes:
    if not isinstance(date_from, datetime.date) or not isinstance(date_to, datetime.date):
        raise InvalidInput(_("Give the period's first and last days."), field="date_from")
    if date_to < date_from:
        raise InvalidInput(_("The period ends before it starts."), field="date_to")
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))
    entries = list(JournalEntry.objects.filter(created_at__gte=start, created_at__lt=end).order_by("seq"))
    anchor_seq = entries[0].seq - 1 if entries else 0
    anchor = JournalEntry.objects.filter(seq=anchor_seq).first() if anchor_seq else None
    anchor_totals = json.loads(anchor.content)["grand_totals"] if anchor else journal.empty_totals()
    closings = Closing.objects.filter(journal_seq__in=[e.seq for e in entries]).order_by("journal_seq")
    org = core_api.current_organisation()
    body = {
        "format": archive_verify.FORMAT,
        "tenant": connection.schema_name,
        "seller": {"legal_name": org.legal_name, "siren": org.siren, "vat_number": org.vat_number},
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "generated_at": (now or timezone.now()).isoformat(),
        "key_version": journal.KEY_VERSION,
        "anchor": {"seq": anchor_seq, "previous_hash": anchor.hash if anchor else journal.GENESIS,
                   "grand_totals": anchor_totals},
        "entries": [{"seq": e.seq, "kind": e.kind, "created_at": e.created_at.isoformat(), "content": e.content,
                     "previous_hash": e.previous_hash, "hash": e.hash, "signature": e.signature,
                     "key_version": e.key_version} for e in entries],
        "closings": [{**closing_content(c)["closing"], "journal_seq": c.journal_seq} for c in closings],
    }
    digest = hashlib.sha256(archive_verify.canonical(body).encode("utf-8")).hexdigest()
    document = {**body, "digest": digest, "signature": journal.sign(digest, key=journal.tenant_key())}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def verify_archive(*, data: bytes, key: bytes | None = None) -> list[str]:
    """Problems found in an archive (empty: intact); with this tenant's key unless given."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return ["not a JSON archive"]
    problems, _totals = archive_verify.verify(document, key if key is not None else journal.tenant_key(schema=document.get("tenant")))
    return problems
