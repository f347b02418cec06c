"""Report reads on a PostgreSQL streaming replica, when one is configured.

`REPORTS_REPLICA_URL` adds the database alias "replica" (django-tenants' backend, like the
primary). `ReportsReplicaRouter` sends the *reads* of the read model (the fact and roll-up
tables below) there, after setting the current tenant on that connection too (its
`search_path` is the tenant's schema, as on the primary). Everything else, and every write,
stays on the primary. It falls back to the primary:
- inside a transaction on the primary (a command reads what it just wrote);
- when the replica does not answer (connection refused, timeout: `connect_timeout` in the URL);
- when it lags: its replay is behind what it received and the last replayed transaction is
  older than `REPORTS_REPLICA_MAX_LAG` seconds.
The verdict is kept `REPORTS_REPLICA_CHECK_SECONDS` in the process (one probe query, not one
per report query). docs/reports.md, "Reading on a replica"."""
from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection, connections

logger = logging.getLogger(__name__)

ALIAS = "replica"
READ_MODEL = frozenset({"salefact", "documentfact", "invoicefact", "paymentfact", "orderfact", "clientfact",
                        "dailysales", "dailydocuments", "dailyvariantsales"})

# Seconds the replica is behind: 0 on a primary or a standby that replayed all it received.
LAG_SQL = """
SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END
"""

_verdict = {"at": None, "usable": False, "lag": None}


def configured() -> bool:
    return ALIAS in settings.DATABASES


def probe() -> float | None:
    """The replica's lag in seconds, or None when it does not answer."""
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as exc:
        logger.warning("report replica unavailable, reading the primary: %s", exc)
        connections[ALIAS].close()
        return None


def usable(*, now: float | None = None) -> bool:
    if not configured():
        return False
    now = time.monotonic() if now is None else now
    if _verdict["at"] is not None and now - _verdict["at"] < settings.REPORTS_REPLICA_CHECK_SECONDS:
        return _verdict["usable"]
    lag = probe()
    ok = lag is not None and lag <= settings.REPORTS_REPLICA_MAX_LAG
    if lag is not None and not ok:
        logger.warning("report replica %.1f s behind (max %s): reading the primary", lag, settings.REPORTS_REPLICA_MAX_LAG)
    _verdict.update(at=now, usable=ok, lag=lag)
    return ok


def forget() -> None:
    """Drops the kept verdict (tests, or after reconfiguring)."""
    _verdict.update(at=None, usable=False, lag=None)


class ReportsReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label != "engagement" or model._meta.model_name not in READ_MODEL:
            return None
        if connection.in_atomic_block or not usable():
            return None
        replica = connections[ALIAS]
        tenant = getattr(connection, "tenant", None)
        if tenant is not None and getattr(replica, "tenant", None) != tenant:
            replica.set_tenant(tenant)  # the same schema on the replica's connection
        return ALIAS

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == ALIAS else None
