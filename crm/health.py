"""/healthz says the process is alive; /readyz checks the database, Redis and migrations."""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_redis() -> str:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
    client.ping()
    cache.get("readyz")
    return "ok"


def _check_migrations() -> str:
    # Checked for the schema the request resolved to (public or the tenant's).
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} pending migration(s)")
    return "ok"


@never_cache
def readyz(request):
    checks = {}
    ready = True
    for name, check in (("database", _check_database), ("redis", _check_redis), ("migrations", _check_migrations)):
        try:
            checks[name] = check()
        except Exception as exc:  # a readiness probe reports, it does not crash
            checks[name] = f"error: {exc.__class__.__name__}: {exc}"[:200]
            ready = False
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
