"""The fiscal journal: an append-only chain of entries, one per tenant.

    hash      = SHA-256( previous hash  ||  canonical JSON content )          (hex)
    signature = HMAC-SHA256( tenant key, hash )                                (hex)
    tenant key = HMAC-SHA256( POS_JOURNAL_SECRET, "comptoir/pos-journal/v<version>/<schema>" )

The canonical JSON is `json.dumps(content, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` with amounts as strings; it is stored as the exact text that was hashed.
The first entry's previous hash is 64 zeros. Every entry carries the perpetual grand totals
it ended with (gross, absolute, per VAT rate, per tender). Appending locks the one
`JournalHead` row: entries are numbered 1, 2, 3... without gaps, in commit order."""
from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection

from contexts.pos.models import JournalEntry, JournalHead
from crm.money import cents

GENESIS = "0" * 64
KEY_VERSION = 1


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def chain_hash(previous_hash: str, content_text: str) -> str:
    return hashlib.sha256((previous_hash + content_text).encode("utf-8")).hexdigest()


def _secret() -> bytes:
    return (getattr(settings, "POS_JOURNAL_SECRET", "") or settings.SECRET_KEY).encode("utf-8")


def tenant_key(*, schema: str | None = None, version: int = KEY_VERSION) -> bytes:
    """The tenant's signing key, derived (never stored): what an auditor is given to check
    signatures (`manage.py pos_journal key`)."""
    schema = schema or connection.schema_name
    return hmac.new(_secret(), f"comptoir/pos-journal/v{version}/{schema}".encode(), hashlib.sha256).digest()


def sign(hash_hex: str, *, key: bytes) -> str:
    return hmac.new(key, hash_hex.encode("ascii"), hashlib.sha256).hexdigest()


# --- grand totals -----------------------------------------------------------------------------

def empty_totals() -> dict[str, Any]:
    return {"gross": "0.00", "absolute": "0.00", "net": "0.00", "vat": "0.00", "tickets": 0, "per_rate": {}, "per_tender": {}}


def add_to_totals(totals: dict[str, Any], *, total: Decimal, per_rate: dict[str, tuple[Decimal, Decimal]],
                  per_tender: dict[str, Decimal]) -> dict[str, Any]:
    """New grand totals after a ticket: `per_rate` maps a VAT rate ("20.00") to (net, vat)."""
    out = {**totals, "per_rate": {k: dict(v) for k, v in totals["per_rate"].items()}, "per_tender": dict(totals["per_tender"])}
    out["gross"] = str(cents(Decimal(out["gross"]) + total))
    out["absolute"] = str(cents(Decimal(out["absolute"]) + abs(total)))
    out["tickets"] = int(out["tickets"]) + 1
    net_sum = vat_sum = Decimal(0)
    for rate, (net, vat) in per_rate.items():
        row = out["per_rate"].setdefault(rate, {"net": "0.00", "vat": "0.00"})
        row["net"] = str(cents(Decimal(row["net"]) + net))
        row["vat"] = str(cents(Decimal(row["vat"]) + vat))
        net_sum += net
        vat_sum += vat
    out["net"] = str(cents(Decimal(out["net"]) + net_sum))
    out["vat"] = str(cents(Decimal(out["vat"]) + vat_sum))
    for method, amount in per_tender.items():
        out["per_tender"][method] = str(cents(Decimal(out["per_tender"].get(method, "0.00")) + amount))
    return out


# --- appending --------------------------------------------------------------------------------

def lock_head() -> JournalHead:
    """Locks the end of the chain until the transaction ends (created on first use)."""
    head = JournalHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        JournalHead.objects.bulk_create([JournalHead(id=1, last_seq=0, last_hash=GENESIS, grand_totals=empty_totals())],
                                        ignore_conflicts=True)
        head = JournalHead.objects.select_for_update().get(pk=1)
    return head


def append(head: JournalHead, *, kind: str, content: dict[str, Any], at: datetime.datetime, register_code: str = "",
           location_id=None, reference: str = "", grand_totals: dict[str, Any] | None = None) -> JournalEntry:
    """Appends one entry after `head` (locked by lock_head in this transaction) and moves the
    head. `grand_totals` are the totals after this entry (unchanged when omitted)."""
    totals = grand_totals if grand_totals is not None else head.grand_totals
    seq = head.last_seq + 1
    body = {**content, "seq": seq, "kind": kind, "at": at.isoformat(), "register": register_code,
            "grand_totals": totals}
    text = canonical(body)
    digest = chain_hash(head.last_hash, text)
    entry = JournalEntry.objects.create(
        seq=seq, kind=kind, created_at=at, register_code=register_code, location_id=location_id,
        reference=str(reference)[:64], content=text, previous_hash=head.last_hash, hash=digest,
        signature=sign(digest, key=tenant_key()), key_version=KEY_VERSION)
    JournalHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest, grand_totals=totals)
    head.last_seq, head.last_hash, head.grand_totals = seq, digest, totals
    return entry
