"""Issue 11's load suite, locust in-process, loopback only, bounded in time. ONE command:

    .venv/bin/python tests/bench/locust_suite.py [--seconds 20] [--worker-class sync|gthread]
                                                 [--out var/bench/locust.md]

Starts the fake Stripe (scripts/fake_stripe.py), gunicorn (2 workers) and a Celery worker (its
own queue: the invoices, events and e-mails of the paid orders are worked off meanwhile) against
the database in DATABASE_URL (migrated; a "benchloc" tenant is made with 200 stocked products
and 40 customers), then runs each scenario for `--seconds`, each with one extra user calling
the bare view `/healthz` (the whole middleware stack, no query) in the same run as reference:

  list       GET /api/v1/products/?page_size=20, anonymous              1 and 16 users
  add        POST /api/v1/cart/items, a new cart each time              1 and 16 users
  journey    add, checkout, pay through the fake Stripe (pm_card_visa)  1 and 16 users,
             spread over the 200 products; then at 16 users all on one hot product

and writes a markdown table (p50/p95 per request, requests/s, paid orders/s). Nothing leaves
127.0.0.1. The machine is shared (other jobs may use the CPU): the reference row of each run
says how loaded it was.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA, HOST = "benchloc", "benchloc.localhost"
PRODUCTS, CUSTOMERS = 200, 40


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> None:
    """(Run in a subprocess: Django, not gevent.) Prints the tenant's variant ids and customer tokens."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django_tenants.utils import tenant_context

    from contexts.core.tenancy.models import Organisation
    from contexts.core.tenancy.services import provision_tenant
    from crm.rest import authentication as auth
    from tests.factories import commercial as f

    provision_tenant(schema_name=SCHEMA, name="Bench Locust SARL", domain=HOST, verbosity=0)
    org = Organisation.objects.get(schema_name=SCHEMA)
    from tests.conftest import SELLER_IDENTITY

    Organisation.objects.filter(pk=org.pk).update(**{**SELLER_IDENTITY, "legal_name": "Bench Locust SARL"})
    from contexts.catalog.models import Variant
    from contexts.core.models import Customer

    with tenant_context(org):
        if Variant.objects.count() < PRODUCTS:  # a first run makes them; later runs reuse them
            for i in range(PRODUCTS):
                f.stocked_variant(units=100_000, price="42.00", name=f"Pull {i:03} {uuid.uuid4().hex[:4]}")
            for _ in range(CUSTOMERS):
                f.customer()
        variants = [str(v) for v in Variant.objects.order_by("sku").values_list("id", flat=True)[:PRODUCTS]]
        tokens = [str(auth.customer_tokens(c).access_token) for c in Customer.objects.order_by("email")[:CUSTOMERS]]
    print(json.dumps({"variants": variants, "tokens": tokens}))


def _start(args, port: int, stripe_port: int, queue: str) -> list[subprocess.Popen]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test", STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}",
               LOG_LEVEL="WARNING", THROTTLE_TENANT="1000000/min", THROTTLE_USER="1000000/min",
               THROTTLE_ANON="1000000/min", CELERY_QUEUE=queue, TENANT_CACHE_SECONDS="60",
               STOREFRONT_CACHE_SECONDS="60")  # as production: the storefront cache on
    logs = ROOT / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    stripe = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "fake_stripe.py"), "--port", str(stripe_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "2",
                "--log-level", "warning"]
    if args.worker_class == "gthread":
        gunicorn += ["--worker-class", "gthread", "--threads", str(args.threads)]
    web = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=open(logs / "web.log", "w"))
    worker = subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-l", "warning", "--concurrency", "2",
                               "-Q", queue], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(logs / "worker.log", "w"))
    return [stripe, web, worker]


def run(args) -> str:
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment

    port, stripe_port = _free_port(), _free_port()
    queue = f"comptoir-bench-{os.getpid()}"
    procs = _start(args, port, stripe_port, queue)
    try:
        out = subprocess.run([sys.executable, __file__, "--prepare"], cwd=ROOT, capture_output=True, text=True,
                             env=dict(os.environ, STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}"), check=True)
        data = json.loads(out.stdout.strip().splitlines()[-1])
        variants, tokens = data["variants"], data["tokens"]
        base = f"http://127.0.0.1:{port}"
        import requests

        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", headers={"Host": HOST}, timeout=1).status_code == 200:
                    break
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer")
            time.sleep(0.3)

        state = {"hot": None, "paid": 0, "token": 0}

        def next_token() -> str:
            state["token"] += 1
            return tokens[state["token"] % len(tokens)]

        class Reference(HttpUser):
            fixed_count = 1
            wait_time = constant(0.1)
            host = base

            @task
            def bare(self):
                self.client.get("/healthz", headers={"Host": HOST}, name="GET /healthz (reference)")

        class Shopper(HttpUser):
            abstract = True
            wait_time = constant(0)
            host = base

            def on_start(self):
                self.headers = {"Host": HOST, "Authorization": f"Bearer {next_token()}"}

            def variant(self) -> str:
                return state["hot"] or random.choice(variants)

            def add(self, session: str):
                return self.client.post("/api/v1/cart/items", json={"session_id": session, "variant_id": self.variant(),
                                                                    "quantity": 1},
                                        headers=self.headers, name="POST /api/v1/cart/items")

        class Lister(Shopper):
            @task
            def list(self):
                self.client.get("/api/v1/products/?page_size=20", headers={"Host": HOST}, name="GET /api/v1/products/")

        class Adder(Shopper):
            @task
            def add_item(self):
                self.add(uuid.uuid4().hex)

        class Journey(Shopper):
            @task
            def journey(self):
                session = uuid.uuid4().hex
                if self.add(session).status_code != 201:
                    return
                r = self.client.post("/api/v1/orders/checkout", json={"session_id": session, "payment_method": "pm_card_visa"},
                                     headers={**self.headers, "Idempotency-Key": session}, name="POST /api/v1/orders/checkout")
                if r.status_code == 201 and r.json().get("status") == "paid":
                    state["paid"] += 1

        rows = []
        scenarios = [("list", Lister, 1, None), ("list", Lister, 16, None), ("add", Adder, 1, None), ("add", Adder, 16, None),
                     ("journey, 200 products", Journey, 1, None), ("journey, 200 products", Journey, 16, None),
                     ("journey, one hot product", Journey, 16, variants[0])]
        for label, cls, users, hot in scenarios:
            state["hot"], state["paid"] = hot, 0
            env = Environment(user_classes=[Reference, cls])
            runner = env.create_local_runner()
            runner.start(users + 1, spawn_rate=100)
            gevent.sleep(2)  # spawned and warm: measured from here
            env.stats.reset_all()
            state["paid"] = 0
            started = time.monotonic()
            gevent.sleep(args.seconds)
            elapsed = time.monotonic() - started
            paid = state["paid"]
            runner.quit()
            for name, entry in sorted(env.stats.entries.items()):
                s = entry
                if not s.num_requests:
                    continue
                rows.append((f"{label}, {users} user{'s' if users > 1 else ''}", name[0], s.get_response_time_percentile(0.5),
                             s.get_response_time_percentile(0.95), s.num_requests / elapsed, s.num_failures,
                             f"{paid / elapsed:.1f}" if "checkout" in name[0] else ""))
            print(rows[-1] if rows else label, flush=True)
        return _table(args, rows)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _table(args, rows) -> str:
    load = os.getloadavg()
    lines = [f"gunicorn 2 workers ({args.worker_class}{f', {args.threads} threads' if args.worker_class == 'gthread' else ''}), "
             f"Celery worker (2 processes), {args.seconds} s per scenario, load average at the end {load[0]:.1f}",
             "", "| scenario | request | p50 (ms) | p95 (ms) | req/s | failures | paid orders/s |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for scenario, name, p50, p95, rate, failures, paid in rows:
        lines.append(f"| {scenario} | `{name}` | {p50:.0f} | {p95:.0f} | {rate:.1f} | {failures} | {paid} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "locust.md"))
    args = parser.parse_args()
    if args.prepare:
        return prepare()
    table = run(args)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(table)
    print(table)


if __name__ == "__main__":
    main()
