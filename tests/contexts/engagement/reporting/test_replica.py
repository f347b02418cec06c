"""Report reads on a replica: the router sends the read model's reads to the alias "replica"
with the tenant's schema set on it, and falls back to the primary when the replica is down or
lags. The alias points here at a second connection to the test database (what a caught-up
replica answers); test_streaming_replica below uses a real standby when the server allows
replication connections."""
import datetime as dt
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from contexts.engagement.reporting import replica, selectors, services

DAY = dt.date(2026, 3, 2)
AT = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.timezone.utc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def replica_at(committed_tenant):
    """A function setting the "replica" alias to (host, port, dbname); removed after."""
    def point(**overrides):
        conf = dict(connections["default"].settings_dict)
        conf.update({"TEST": {"MIRROR": "default"}, "CONN_MAX_AGE": 0, "OPTIONS": {"connect_timeout": 2}}, **overrides)
        if replica.ALIAS in connections.settings:
            connections[replica.ALIAS].close()
            del connections[replica.ALIAS]
        connections.settings[replica.ALIAS] = conf
        settings.DATABASES[replica.ALIAS] = conf
        replica.forget()

    yield point
    if replica.ALIAS in connections.settings:
        connections[replica.ALIAS].close()
        del connections[replica.ALIAS]
        connections.settings.pop(replica.ALIAS, None)
    settings.DATABASES.pop(replica.ALIAS, None)
    replica.forget()


def _sale():
    services.record_ticket(ticket_id=uuid.uuid4(), kind="sale", occurred_at=AT, register_id=uuid.uuid4(),
                           location_id=uuid.uuid4(), customer_id=None, total=D("60.00"), total_net=D("50.00"),
                           items=[{"variant_id": None, "quantity": 2, "total": "60.00"}])


def _till_gross(alias_queries):
    with CaptureQueriesContext(connections["default"]) as primary, alias_queries as on_replica:
        report = selectors.consolidated(date_from=DAY, date_to=DAY, by="channel")
    return report["totals"]["gross"], len(primary.captured_queries), len(on_replica.captured_queries)


def test_reads_go_to_the_replica_in_the_tenants_schema_and_fall_back(replica_at, settings, monkeypatch):
    _sale()  # committed on the primary
    replica_at()
    gross, on_primary, on_replica = _till_gross(CaptureQueriesContext(connections[replica.ALIAS]))
    assert gross == D("60.00") and on_replica >= 1 and on_primary == 0
    with connections[replica.ALIAS].cursor() as cursor:  # the tenant's schema was set on that connection
        cursor.execute("SHOW search_path")
        assert cursor.fetchone()[0].startswith("gamma")

    replica_at(PORT=str(_free_port()))  # down: nobody listens there
    gross, on_primary, _ = _till_gross(CaptureQueriesContext(connections["default"]))
    assert gross == D("60.00") and on_primary >= 1 and replica._verdict["usable"] is False

    replica_at()  # up but lagging beyond REPORTS_REPLICA_MAX_LAG
    settings.REPORTS_REPLICA_MAX_LAG = 30
    monkeypatch.setattr(replica, "probe", lambda: 45.0)
    assert replica.usable() is False
    monkeypatch.setattr(replica, "probe", lambda: 2.0)
    replica.forget()
    assert replica.usable() is True
    assert replica.ReportsReplicaRouter().db_for_read(type("M", (), {"_meta": type("O", (), {
        "app_label": "finance", "model_name": "invoice"})})) is None  # only the read model moves


def _replication_allowed() -> str | None:
    """None when this server accepts a replication connection from 127.0.0.1; else why not."""
    if not shutil.which("pg_basebackup") or not shutil.which("runuser"):
        return "pg_basebackup or runuser missing"
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW wal_level")
        if cursor.fetchone()[0] not in ("replica", "logical"):
            return "wal_level is minimal"
        cursor.execute("SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database)")
        if not cursor.fetchone()[0]:
            return ("the server's pg_hba.conf has no 'replication' entry (add `host replication all 127.0.0.1/32 "
                    "trust` and reload to run this test)")
    return None


def test_streaming_replica(replica_at):
    """pg_basebackup -R from the running server into a temporary directory, started on a free
    port as the postgres user: reads go there once it replayed the primary's commit."""
    why = _replication_allowed()
    if why:
        pytest.skip(f"no streaming replica on this machine: {why}")
    primary = connections["default"].settings_dict
    pg = "/usr/lib/postgresql/15/bin"
    data = tempfile.mkdtemp(prefix="comptoir-replica-")
    shutil.chown(data, "postgres")
    port = _free_port()
    subprocess.run(["runuser", "-u", "postgres", "--", f"{pg}/pg_basebackup", "-h", primary["HOST"] or "127.0.0.1",
                    "-p", str(primary["PORT"] or 5432), "-U", primary["USER"] or "postgres", "-D", data, "-R",
                    "-X", "stream", "-c", "fast"], check=True, timeout=600)
    subprocess.run(["runuser", "-u", "postgres", "--", f"{pg}/pg_ctl", "-D", data, "-w", "-o",
                    f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c hot_standby=on", "start"],
                   check=True, timeout=120)
    try:
        replica_at(HOST="127.0.0.1", PORT=str(port))
        _sale()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with connections[replica.ALIAS].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery(), count(*) FROM gamma.engagement_salefact")
                standby, rows = cursor.fetchone()
            if rows:
                break
            time.sleep(0.2)
        assert standby and rows == 1
        replica.forget()
        gross, on_primary, on_replica = _till_gross(CaptureQueriesContext(connections[replica.ALIAS]))
        assert gross == D("60.00") and on_replica >= 1 and on_primary == 0
        subprocess.run(["runuser", "-u", "postgres", "--", f"{pg}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       check=True, timeout=60)
        replica.forget()
        gross, on_primary, _ = _till_gross(CaptureQueriesContext(connections["default"]))
        assert gross == D("60.00") and on_primary >= 1  # the replica is down: the primary answers
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", f"{pg}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       timeout=60)
        shutil.rmtree(data, ignore_errors=True)
