"""Load benchmark: 8 tills selling at once over HTTP on loopback, against a bare Django view in
the same run.

    .venv/bin/python tests/bench/pos_load.py [--registers 8] [--tickets 40] [--scans 3]

Starts gunicorn (2 workers, the development database in DATABASE_URL), makes a "benchtill"
tenant with one shop, N registers, a cashier per register and 30 stocked articles, then:
  1. GET /healthz (a bare Django view through the whole middleware stack) — the reference;
  2. each register in its own thread: opens a session (POST /api/v1/sales/sessions), then for
     each ticket scans articles (GET /api/v1/sales/lookup?code=<EAN-13>) and completes the
     ticket (POST /api/v1/sales/transactions, card + cash), then closes its session (the Z).
Prints p50/p95 per scan and per completed ticket, tickets per second, and checks the journal.
Bounded in count and time; loopback only.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")  # production-like, test secrets


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, host: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"Host": host}), timeout=1)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _call(base: str, host: str, method: str, path: str, token: str = "", body: dict | None = None) -> tuple[int, float, dict]:
    headers = {"Host": host, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None, method=method,
                                 headers=headers)
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            data, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        data, status = e.read(), e.code
    elapsed = (time.perf_counter() - t) * 1000
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        parsed = {}
    return status, elapsed, parsed


def prepare(registers: int) -> tuple[list[tuple[str, str]], list[str]]:
    import django

    django.setup()
    from django_tenants.utils import tenant_context

    from crm.rest import authentication as auth
    from contexts.core.tenancy.models import Organisation
    from contexts.core.tenancy.services import provision_tenant
    from tests.factories import pos as f

    from django.db import connection

    old = Organisation.objects.filter(schema_name="benchtill").first()
    if old is not None:  # a fresh tenant each run: numbers, journal and barcodes start over
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA benchtill CASCADE")
        old.domains.all().delete()
        Organisation.objects.filter(pk=old.pk).delete()
    provision_tenant(schema_name="benchtill", name="Bench Till SARL", domain="benchtill.localhost", verbosity=0)
    with tenant_context(Organisation.objects.get(schema_name="benchtill")):
        shop = f.shop()
        tills = []
        for _ in range(registers):
            reg = f.register(shop)
            cashier = f.cashier()
            tills.append((str(reg.id), str(auth.staff_tokens(cashier).access_token)))
        codes = [f.stocked_variant(shop.id, quantity=100000, price=f"{5 + i}.90").ean13 for i in range(30)]
    return tills, codes


def server_time(token: str, codes: list[str], scans: int, n: int = 30) -> None:
    """Server time without queueing: the whole Django stack in this process (middleware, JWT,
    permissions, view, database), one request at a time."""
    import logging

    from django.db import connection
    from rest_framework.test import APIClient

    logging.disable(logging.CRITICAL)
    connection.set_schema_to_public()
    c = APIClient(SERVER_NAME="benchtill.localhost")
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    register = None
    from django_tenants.utils import schema_context

    with schema_context("benchtill"):
        from contexts.pos.models import Register

        register = str(Register.objects.order_by("code").last().id)
    connection.set_schema_to_public()
    session = c.post("/api/v1/sales/sessions", {"register_id": register, "opening_float": "0.00"}, format="json").json()
    timings: dict[str, list[float]] = {"healthz": [], "scan": [], "ticket": []}
    for i in range(n):
        t = time.perf_counter()
        c.get("/healthz")
        timings["healthz"].append((time.perf_counter() - t) * 1000)
        lines = []
        for k in range(scans):
            t = time.perf_counter()
            found = c.get(f"/api/v1/sales/lookup?code={codes[(i + k) % len(codes)]}").json()
            timings["scan"].append((time.perf_counter() - t) * 1000)
            lines.append({"variant_id": found["results"][0]["variant_id"], "quantity": 1})
        t = time.perf_counter()
        r = c.post("/api/v1/sales/transactions", {"session_id": session["id"], "uuid": str(uuid.uuid4()), "lines": lines,
                                                 "tenders": [{"method": "cash", "amount": "500.00"}]}, format="json")
        assert r.status_code == 201, r.content
        timings["ticket"].append((time.perf_counter() - t) * 1000)
    print("server time, one request at a time (in process, whole stack):")
    for name, values in timings.items():
        print(f"  {name:<10} p50 {statistics.median(values):6.1f} ms   p95 {pct(values, 0.95):6.1f} ms")
    c.post(f"/api/v1/sales/sessions/{session['id']}/close", {"counted": {"cash": "0.00"}}, format="json")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registers", type=int, default=8)
    parser.add_argument("--tickets", type=int, default=40, help="per register")
    parser.add_argument("--scans", type=int, default=3, help="articles per ticket")
    args = parser.parse_args()
    port = _free_port()
    env = dict(os.environ, LOG_LEVEL="WARNING", THROTTLE_TENANT="100000/min", THROTTLE_USER="100000/min",
               THROTTLE_ANON="100000/min")
    web = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "2",
                            "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        tills, codes = prepare(args.registers)
        base, host = f"http://127.0.0.1:{port}", "benchtill.localhost"
        _wait(base + "/healthz", host)
        for _ in range(20):
            _call(base, host, "GET", "/healthz")  # warm both workers

        total_tickets = args.registers * args.tickets
        started = time.perf_counter()
        with ThreadPoolExecutor(args.registers) as pool:
            ref = list(pool.map(lambda _: _call(base, host, "GET", "/healthz")[1], range(total_tickets)))
        ref_rate = total_tickets / (time.perf_counter() - started)

        def till(i: int):
            register_id, token = tills[i]
            status, _, session = _call(base, host, "POST", "/api/v1/sales/sessions", token,
                                       {"register_id": register_id, "opening_float": "150.00"})
            assert status == 201, session
            scans, tickets, errors = [], [], []
            for n in range(args.tickets):
                lines = []
                for k in range(args.scans):
                    code = codes[(i * 7 + n * 3 + k) % len(codes)]
                    s, ms, found = _call(base, host, "GET", f"/api/v1/sales/lookup?code={code}", token)
                    scans.append(ms)
                    if s != 200:
                        errors.append(s)
                        continue
                    lines.append({"variant_id": found["results"][0]["variant_id"], "quantity": 1})
                s, ms, body = _call(base, host, "POST", "/api/v1/sales/transactions", token, {
                    "session_id": session["id"], "uuid": str(uuid.uuid4()), "lines": lines,
                    "tenders": [{"method": "card", "amount": "5.00", "reference": f"B{i}-{n}"},
                                {"method": "cash", "amount": "100.00"}]})
                (tickets if s == 201 else errors).append(ms if s == 201 else s)
            s, _, z = _call(base, host, "POST", f"/api/v1/sales/sessions/{session['id']}/close", token,
                            {"counted": {"cash": "0.00", "card": "0.00"}})
            return scans, tickets, errors + ([s] if s != 201 else [])

        started = time.perf_counter()
        with ThreadPoolExecutor(args.registers) as pool:
            results = list(pool.map(till, range(args.registers)))
        elapsed = time.perf_counter() - started
        scans = [x for r in results for x in r[0]]
        tickets = [x for r in results for x in r[1]]
        errors = [x for r in results for x in r[2]]
        print(f"\n{args.registers} registers in parallel, {args.tickets} tickets each of {args.scans} scans, "
              "gunicorn 2 workers, loopback")
        print(f"{'request':<40}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}")
        print(f"{'GET /healthz (reference)':<40}{statistics.median(ref):>9.1f}{pct(ref, 0.95):>9.1f}{ref_rate:>9.1f}")
        print(f"{'GET /api/v1/sales/lookup (scan)':<40}{statistics.median(scans):>9.1f}{pct(scans, 0.95):>9.1f}")
        print(f"{'POST /api/v1/sales/transactions':<40}{statistics.median(tickets):>9.1f}{pct(tickets, 0.95):>9.1f}")
        print(f"tickets completed: {len(tickets)} / {total_tickets} in {elapsed:.1f} s -> {len(tickets) / elapsed:.1f} tickets/s;"
              f" errors: {errors or 'none'}")

        server_time(tills[0][1], codes, args.scans)

        from django_tenants.utils import tenant_context

        from contexts.core.tenancy.models import Organisation
        from contexts.pos.services import integrity

        with tenant_context(Organisation.objects.get(schema_name="benchtill")):
            print("journal:", integrity.verify_journal().message)
    finally:
        web.terminate()
        web.wait(timeout=10)


if __name__ == "__main__":
    main()
