"""TENANT_LIMIT_SET_CALLS: django-tenants sends `SET search_path` once per connection and tenant
switch instead of before every query. The cache of the path it last set must never outlive the
path the database actually has: a reused connection never reads the previous tenant's schema,
after a switch, a rolled-back transaction, a rolled-back savepoint, a Celery task of another
tenant, or a request to another tenant's host."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from contexts.core.models import Client
from tests.conftest import make_api_client
from tests.factories import catalog as f


def _sets(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].upper().startswith("SET SEARCH_PATH")]


def _raw_schema_and_names() -> tuple[str, list[str]]:
    with connection.cursor() as cur:
        cur.execute("SELECT current_schema()")
        schema = cur.fetchone()[0]
        cur.execute("SELECT last_name FROM core_client ORDER BY last_name")
        names = [r[0] for r in cur.fetchall()]
    return schema, names


def _orm_names() -> list[str]:
    return list(Client.objects.order_by("last_name").values_list("last_name", flat=True))


def _client(name: str) -> Client:
    return Client.objects.create(kind="person", last_name=name, first_name=connection.schema_name)


def test_the_setting_is_on():
    assert settings.TENANT_LIMIT_SET_CALLS is True


def test_one_set_per_tenant_switch_not_per_query(tenant, other_tenant):
    _client("Alpha")
    with tenant_context(other_tenant):
        _client("Beta")
    connection.set_tenant(tenant)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert _orm_names() == ["Alpha"]
        connection.set_tenant(other_tenant)
        for _ in range(3):
            assert _orm_names() == ["Beta"]
    assert len(_sets(ctx)) == 2 and len(ctx.captured_queries) == 8


def test_a_reused_connection_switching_tenants_reads_the_new_schema_orm_and_raw(tenant, other_tenant):
    _client("Alpha")
    assert _orm_names() == ["Alpha"]  # alpha's path is now set and cached on the connection
    connection.set_tenant(other_tenant)
    assert _raw_schema_and_names() == ("beta", [])
    assert _orm_names() == []
    _client("Beta")
    connection.set_tenant(tenant)
    assert _raw_schema_and_names() == ("alpha", ["Alpha"])
    assert _orm_names() == ["Alpha"]


@pytest.mark.committed
def test_after_a_rolled_back_transaction_that_had_switched_tenant(committed_tenant, second_committed_tenant):
    """The SET issued inside a transaction is undone by its ROLLBACK: the connection must set
    the path again rather than trust its cache (which would read gamma's rows as delta's)."""
    _client("Gamma")
    with tenant_context(second_committed_tenant):
        _client("Delta")
    assert _orm_names() == ["Gamma"]  # gamma's path set outside any transaction (session level)

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with transaction.atomic():
            connection.set_tenant(second_committed_tenant)
            assert _orm_names() == ["Delta"]  # SET delta, inside the transaction
            raise Boom
    # The database is back on gamma's path; the connection still says delta.
    assert connection.schema_name == "delta"
    assert _raw_schema_and_names() == ("delta", ["Delta"])
    assert _orm_names() == ["Delta"]
    connection.set_tenant(committed_tenant)
    assert _orm_names() == ["Gamma"]


@pytest.mark.committed
def test_after_a_savepoint_rollback_that_had_switched_tenant(committed_tenant, second_committed_tenant):
    _client("Gamma")
    with tenant_context(second_committed_tenant):
        _client("Delta")

    class Boom(Exception):
        pass

    with transaction.atomic():
        assert _orm_names() == ["Gamma"]  # SET gamma inside the outer transaction
        with pytest.raises(Boom):
            with transaction.atomic():  # a savepoint
                connection.set_tenant(second_committed_tenant)
                assert _orm_names() == ["Delta"]  # SET delta after the savepoint
                raise Boom
        # ROLLBACK TO SAVEPOINT put the path back to gamma; the connection says delta.
        assert _raw_schema_and_names() == ("delta", ["Delta"])
        assert _orm_names() == ["Delta"]
    connection.set_tenant(committed_tenant)
    assert _orm_names() == ["Gamma"]


def test_a_request_to_one_tenant_then_another_reads_each_ones_own_products(tenant, other_tenant):
    f.product("Écharpe d'Alpha")
    with tenant_context(other_tenant):
        f.product("Bonnet de Beta")
    connection.set_tenant(tenant)
    alpha, beta = make_api_client(tenant), make_api_client(other_tenant)
    for client, expected in ((alpha, "Écharpe d'Alpha"), (beta, "Bonnet de Beta"), (alpha, "Écharpe d'Alpha"),
                             (beta, "Bonnet de Beta")):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/products/")
        assert response.status_code == 200
        assert [p["name"] for p in response.json()["results"]] == [expected]
        # The public schema for the domain, then the tenant's: one SET each.
        assert len(_sets(ctx)) == 2


@pytest.mark.worker
@pytest.mark.committed
def test_a_celery_task_after_another_tenants_task_on_the_same_connection(committed_tenant, second_committed_tenant,
                                                                          django_db_blocker):
    """A real worker with one thread and persistent connections (CONN_MAX_AGE as in production):
    the tenant-aware task base switches the schema from the task's headers, and the second task
    runs on the same database session as the first without reading the first tenant's rows."""
    from tests import worker_tasks
    from tests.worker import process_env, start_worker, stop

    _client("Gamma")
    with tenant_context(second_committed_tenant):
        _client("Delta")
    connection.set_tenant(committed_tenant)
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-search-path"  # its own queue: no other worker takes these
    proc = start_worker(env=process_env(DB_CONN_MAX_AGE="600"), concurrency=1, log="test-worker-search-path.log",
                        extra_args=("-Q", queue))
    try:
        results = []
        for schema in ("gamma", "delta", "gamma", "delta"):
            async_result = worker_tasks.schema_probe.apply_async(headers={"_schema_name": schema}, queue=queue)
            results.append(async_result.get(timeout=60))
    finally:
        stop(proc)
    assert [(r["schema"], r["raw_names"], r["orm_names"]) for r in results] == [
        ("gamma", ["Gamma"], ["Gamma"]), ("delta", ["Delta"], ["Delta"]),
        ("gamma", ["Gamma"], ["Gamma"]), ("delta", ["Delta"], ["Delta"])]
    assert len({r["backend_pid"] for r in results}) == 1  # one reused connection throughout
