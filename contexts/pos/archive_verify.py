#!/usr/bin/env python3
"""Verifies a Comptoir till archive (format comptoir-pos-archive/1). Standard library only:
an auditor copies this one file and runs

    python3 archive_verify.py ARCHIVE.json --key HEX_TENANT_KEY

Checks, in order: the archive's digest and signature (HMAC-SHA256 with the tenant key); every
entry's hash (SHA-256 of previous hash + canonical content, as stored); the chain (each entry's
previous hash is the hash of the entry before, numbers without gap, the first one anchored on the
archive's `anchor`); every entry's signature; the perpetual grand totals carried from entry to
entry; each closing against its journal entry. Prints the first problem and exits 1, or prints
a summary and exits 0. Without --key, signatures are not checked (the chain still is)."""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
from decimal import Decimal

FORMAT = "comptoir-pos-archive/1"


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _cents(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _add(totals: dict, ticket_content: dict) -> dict:
    """Grand totals after a ticket entry (the same rule as the application's journal)."""
    out = json.loads(json.dumps(totals))
    total = Decimal(ticket_content["ticket"]["total"])
    out["gross"] = str(_cents(Decimal(out["gross"]) + total))
    out["absolute"] = str(_cents(Decimal(out["absolute"]) + abs(total)))
    out["tickets"] = int(out["tickets"]) + 1
    per_rate: dict[str, list[Decimal]] = {}
    for line in ticket_content["lines"]:
        row = per_rate.setdefault(line["vat_rate"], [Decimal(0), Decimal(0)])
        row[0] += Decimal(line["total_net"])
        row[1] += Decimal(line["total_vat"])
    net = vat = Decimal(0)
    for rate, (n, v) in per_rate.items():
        row = out["per_rate"].setdefault(rate, {"net": "0.00", "vat": "0.00"})
        row["net"] = str(_cents(Decimal(row["net"]) + n))
        row["vat"] = str(_cents(Decimal(row["vat"]) + v))
        net, vat = net + n, vat + v
    out["net"] = str(_cents(Decimal(out["net"]) + net))
    out["vat"] = str(_cents(Decimal(out["vat"]) + vat))
    per_tender: dict[str, Decimal] = {}
    for tender in ticket_content["tenders"]:
        per_tender[tender["method"]] = per_tender.get(tender["method"], Decimal(0)) + Decimal(tender["amount"])
    for method, amount in per_tender.items():
        out["per_tender"][method] = str(_cents(Decimal(out["per_tender"].get(method, "0.00")) + amount))
    return out


def verify(document: dict, key: bytes | None) -> tuple[list[str], dict]:
    """(problems, summary): problems in archive order, the first one first."""
    problems: list[str] = []
    if document.get("format") != FORMAT:
        return [f"not a {FORMAT} archive"], {}
    body = {k: v for k, v in document.items() if k not in ("digest", "signature")}
    digest = hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()
    if digest != document.get("digest"):
        problems.append("archive: its digest does not match its content (the file was changed)")
    if key is not None and not hmac.compare_digest(
            hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest(), document.get("signature", "")):
        problems.append("archive: bad signature (wrong key, or the file was changed)")
    entries = document.get("entries", [])
    previous = document.get("anchor", {}).get("previous_hash")
    totals = document.get("anchor", {}).get("grand_totals")
    expected_seq = document.get("anchor", {}).get("seq", 0) + 1
    by_seq = {}
    for e in entries:
        seq = e["seq"]
        where = f"entry {seq}"
        if seq != expected_seq:
            problems.append(f"entry {expected_seq}: missing (the next entry is {seq})")
        if e["previous_hash"] != previous:
            problems.append(f"{where}: its previous hash is not the hash of entry {seq - 1}")
        if hashlib.sha256((e["previous_hash"] + e["content"]).encode("utf-8")).hexdigest() != e["hash"]:
            problems.append(f"{where}: its content does not match its hash (altered)")
        if key is not None and not hmac.compare_digest(
                hmac.new(key, e["hash"].encode("ascii"), hashlib.sha256).hexdigest(), e["signature"]):
            problems.append(f"{where}: bad signature")
        try:
            content = json.loads(e["content"])
        except ValueError:
            problems.append(f"{where}: unreadable content")
            content = {}
        if content.get("seq") != seq or content.get("kind") != e["kind"]:
            problems.append(f"{where}: its content names another entry")
        if totals is not None and content:
            if e["kind"] in ("ticket", "return", "void"):
                totals = _add(totals, content)
            if canonical(content.get("grand_totals")) != canonical(totals):
                problems.append(f"{where}: its grand totals do not follow from the entries before")
            totals = content.get("grand_totals")
        by_seq[seq] = (e, content)
        previous, expected_seq = e["hash"], seq + 1
    for c in document.get("closings", []):
        found = by_seq.get(c["journal_seq"])
        if found is None:
            continue
        if canonical(found[1].get("closing")) != canonical({k: v for k, v in c.items() if k != "journal_seq"}):
            problems.append(f"entry {c['journal_seq']}: closing {c['id']} differs from its journal entry")
    summary = {"entries": len(entries), "closings": len(document.get("closings", [])),
               "first_seq": entries[0]["seq"] if entries else None, "last_seq": entries[-1]["seq"] if entries else None,
               "last_hash": entries[-1]["hash"] if entries else None, "signatures_checked": key is not None}
    return problems, summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive")
    parser.add_argument("--key", help="the tenant key, hex (manage.py pos_journal key)")
    args = parser.parse_args(argv)
    with open(args.archive, "rb") as fh:
        document = json.loads(fh.read().decode("utf-8"))
    problems, summary = verify(document, bytes.fromhex(args.key) if args.key else None)
    if problems:
        print("FAILED: " + problems[0])
        for p in problems[1:20]:
            print("        " + p)
        return 1
    print(f"OK: {summary['entries']} entries ({summary['first_seq']}..{summary['last_seq']}), "
          f"{summary['closings']} closings, last hash {summary['last_hash']}"
          + ("" if summary["signatures_checked"] else " (signatures NOT checked: no --key)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
