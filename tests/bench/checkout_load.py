"""Load benchmark: the checkout over HTTP on loopback, against a bare Django view in the same run.

    .venv/bin/python tests/bench/checkout_load.py [--orders 200] [--concurrency 8] [--port 8765]

Starts localstripe and gunicorn (2 workers, the development database in DATABASE_URL), makes a
"benchshop" tenant with a stocked product and customers, then drives, from a pool of threads:
  1. GET /healthz (a bare Django view through the whole middleware stack) — the reference;
  2. the customer journey: POST /api/v1/cart/items then POST /api/v1/orders/checkout.
Prints p50/p95 per request and orders per second. Bounded in count and time; loopback only.
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


def _post(base: str, host: str, path: str, body: dict, token: str, headers: dict | None = None) -> tuple[int, float]:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Host": host, "Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}", **(headers or {})})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    return status, (time.perf_counter() - t) * 1000


def _get(base: str, host: str, path: str) -> float:
    t = time.perf_counter()
    urllib.request.urlopen(urllib.request.Request(base + path, headers={"Host": host}), timeout=30).read()
    return (time.perf_counter() - t) * 1000


def prepare(orders: int, stripe_base: str) -> tuple[str, list[str]]:
    import django

    django.setup()
    from django_tenants.utils import tenant_context

    from crm.rest import authentication as auth
    from contexts.core.models import Customer
    from contexts.core.tenancy.models import Organisation
    from contexts.core.tenancy.services import provision_tenant
    from tests.factories import commercial as f

    provision_tenant(schema_name="benchshop", name="Bench Shop SARL", verbosity=0)
    with tenant_context(Organisation.objects.get(schema_name="benchshop")):
        variant = f.stocked_variant(units=orders + 10, price="42.00", name=f"Pull banc d'essai {uuid.uuid4().hex[:6]}")
        tokens = []
        for _ in range(orders):
            c = f.customer()
            tokens.append(str(auth.customer_tokens(c).access_token))
        assert Customer.objects.count() >= orders
    return str(variant.id), tokens


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    port, stripe_port = _free_port(), _free_port()
    # The wrapper ./dev run and the tests use: loopback only, no pickling of the store after each write.
    stripe = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "fake_stripe.py"), "--port", str(stripe_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stripe_base = f"http://127.0.0.1:{stripe_port}"
    os.environ["STRIPE_API_BASE"] = stripe_base
    env = dict(os.environ, STRIPE_API_BASE=stripe_base, LOG_LEVEL="WARNING", THROTTLE_TENANT="100000/min",
               THROTTLE_USER="100000/min", THROTTLE_ANON="100000/min")
    web = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "2",
                            "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        variant_id, tokens = prepare(args.orders, stripe_base)
        base, host = f"http://127.0.0.1:{port}", "benchshop.localhost"
        _wait(base + "/healthz", host)
        for _ in range(20):
            _get(base, host, "/healthz")  # warm both workers

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            ref = list(pool.map(lambda _: _get(base, host, "/healthz"), range(args.orders)))
        ref_rate = args.orders / (time.perf_counter() - started)

        def journey(token: str):
            session = uuid.uuid4().hex
            s1, t1 = _post(base, host, "/api/v1/cart/items", {"session_id": session, "variant_id": variant_id, "quantity": 1}, token)
            s2, t2 = _post(base, host, "/api/v1/orders/checkout", {"session_id": session, "payment_method": "pm_card_visa"},
                           token, {"Idempotency-Key": session})
            return s1, t1, s2, t2

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(journey, tokens))
        elapsed = time.perf_counter() - started
        ok = [r for r in results if r[0] == 201 and r[2] == 201]
        add_ms = [r[1] for r in results]
        checkout_ms = [r[3] for r in ok]
        print(f"\n{args.orders} journeys, {args.concurrency} concurrent clients, gunicorn 2 workers, loopback")
        print(f"{'request':<34}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}")
        print(f"{'GET /healthz (reference)':<34}{statistics.median(ref):>9.1f}{pct(ref, 0.95):>9.1f}{ref_rate:>9.1f}")
        print(f"{'POST /api/v1/cart/items':<34}{statistics.median(add_ms):>9.1f}{pct(add_ms, 0.95):>9.1f}")
        print(f"{'POST /api/v1/orders/checkout':<34}{statistics.median(checkout_ms):>9.1f}{pct(checkout_ms, 0.95):>9.1f}")
        print(f"orders paid: {len(ok)} / {args.orders} in {elapsed:.1f} s -> {len(ok) / elapsed:.1f} orders/s")
    finally:
        web.terminate()
        stripe.terminate()
        web.wait(timeout=10)
        stripe.wait(timeout=10)


if __name__ == "__main__":
    main()
