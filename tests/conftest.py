"""Test harness: tenant schemas are created once per session; each test runs inside one tenant
and is rolled back. Tests that need real commits (concurrency, a Celery worker) use the
`committed_tenant` fixture, whose schema is emptied afterwards."""
from __future__ import annotations

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.stripe_server import localstripe, stripe_api  # noqa: F401  (fake Stripe on loopback)
from tests.worker import celery_worker  # noqa: F401  (session fixture: a real Celery worker)
from tests.fake_carrier import _fake_logistics_server, fake_carrier  # noqa: F401  (fake carrier and postal APIs)
from tests.fake_ai import _fake_ai_server, fake_ai  # noqa: F401  (fake OpenAI-compatible provider)

def pytest_unconfigure(config):
    """Tasks queued by tests that ran without a worker are dropped with the session's queue."""
    try:
        import redis
        from django.conf import settings

        if settings.CELERY_TASK_DEFAULT_QUEUE.startswith("comptoir-test-"):
            redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception:
        pass


def pytest_configure(config):
    from django.conf import settings

    from tests.clock import freeze_from_environment

    freeze_from_environment()  # COMPTOIR_TEST_NOW: the whole session under a frozen (ticking) clock

    # A queue of this test session's own: no other worker (./dev run, a parallel run) eats its tasks.
    # Set here, after pytest-django loaded the settings, and on the Celery app as well.
    from config.celery import app as celery_app

    settings.CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TEST_QUEUE", f"comptoir-test-{os.getpid()}")
    celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE

    os.makedirs(settings.STATIC_ROOT, exist_ok=True)  # whitenoise warns when it is missing
    # Fast hashing in tests (PBKDF2's deliberate slowness is no test's subject).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEST_TENANTS = {"alpha": "Alpha Boutique SARL", "beta": "Beta Commerce SAS", "gamma": "Gamma Committed SAS",
                "delta": "Delta Committed SAS"}


def _domain(schema: str) -> str:
    return f"{schema}.testserver"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_modify_db_settings):
    """The test database, always (tests with real commits do not ask for pytest-django's `db`),
    with the test tenants' schemas created once for the session."""
    from django.test.utils import setup_databases, teardown_databases

    from contexts.core.tenancy.services import provision_tenant

    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False,
                                 keepdb=django_db_keepdb, aliases={"default"})
        for schema, name in TEST_TENANTS.items():
            provision_tenant(schema_name=schema, name=name, domain=_domain(schema), verbosity=0)
        # Every test tenant can issue invoices: a complete seller identity (a test about an
        # incomplete one blanks a field with give_legal_identity).
        from django_tenants.utils import get_tenant_model

        for schema, name in TEST_TENANTS.items():
            get_tenant_model().objects.filter(schema_name=schema).update(**{**SELLER_IDENTITY, "legal_name": name})
    yield
    with django_db_blocker.unblock():
        try:
            teardown_databases(db_cfg, verbosity=request.config.option.verbose, keepdb=django_db_keepdb)
        except Exception as exc:  # a worker still connected: the next run recreates the database
            import warnings

            warnings.warn(f"could not drop the test database: {exc}")


def _get_tenant(schema: str):
    from django_tenants.utils import get_tenant_model, schema_context

    with schema_context("public"):
        return get_tenant_model().objects.get(schema_name=schema)


@pytest.fixture
def tenant(db):
    """Tenant "alpha", active on the connection for the whole test (rolled back after)."""
    t = _get_tenant("alpha")
    connection.set_tenant(t)
    yield t
    connection.set_schema_to_public()


@pytest.fixture
def other_tenant(db):
    """Tenant "beta" (not active: switch with tenant_context)."""
    return _get_tenant("beta")


@pytest.fixture
def public_schema(db):
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


# Reference data written by migrations: kept when a committed test's schema is emptied.
KEEP_TABLES = ["django_migrations", "django_content_type", "auth_permission", "auth_group", "auth_group_permissions",
               "catalog_vatclass"]


def _truncate_schema(schema: str) -> None:
    """Empties a committed test's schema. A worker may still be finishing a task in it (say, an
    invoice rendering): a deadlock or lock wait with it is retried, not reported as an error."""
    import time

    from django.db import OperationalError, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND NOT (tablename = ANY(%s))",
            [schema, KEEP_TABLES],
        )
        tables = [row[0] for row in cursor.fetchall()]
    if not tables:
        return
    sql = "TRUNCATE " + ", ".join(f'"{schema}"."{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
    attempts = 20  # a worker busy with the test's events (20 invoices: 8 subscribers each) may
    for attempt in range(attempts):  # take a minute to let go of the schema's tables
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
                cursor.execute(sql)
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(min(0.5 * (attempt + 1), 3.0))


@pytest.fixture
def committed_tenant(transactional_db_no_flush):
    """Tenant "gamma" with real commits: for concurrent connections and Celery workers.
    Its tables are truncated after the test."""
    t = _get_tenant("gamma")
    connection.set_tenant(t)
    try:
        yield t
    finally:
        connection.set_schema_to_public()
        _truncate_schema("gamma")


@pytest.fixture
def second_committed_tenant(committed_tenant):
    """Tenant "delta", with real commits too (not active on the connection); truncated after."""
    t = _get_tenant("delta")
    try:
        yield t
    finally:
        _truncate_schema("delta")


@pytest.fixture
def transactional_db_no_flush(django_db_setup, django_db_blocker):
    """Real transactions without pytest-django's flush (which would wipe the public schema's
    tenants); cleanup is the caller's (committed_tenant truncates its schema)."""
    django_db_blocker.unblock()
    try:
        yield
    finally:
        django_db_blocker.restore()


SELLER_IDENTITY = {"legal_name": "Alpha Boutique SARL", "siren": "732829320", "vat_number": "FR44732829320",
                   "address_line": "8 rue de la Roquette", "postal_code": "75011", "city": "Paris",
                   "iban": "FR7630006000011234567890189"}


def give_legal_identity(org, **overrides):
    """A complete seller identity (issuing an invoice needs it), on the tenant object and in its
    row (a request through the middleware reloads the tenant; the row is rolled back with the test,
    or kept by a committed one, which is harmless)."""
    from django_tenants.utils import get_tenant_model

    values = {**SELLER_IDENTITY, **overrides}
    for key, value in values.items():
        setattr(org, key, value)
    get_tenant_model().objects.filter(pk=org.pk).update(**values)
    return org


@pytest.fixture
def seller(tenant):
    """The tenant as a seller, with what invoices must print (in memory on the active tenant)."""
    return give_legal_identity(tenant)


def make_api_client(tenant_obj=None, *, host: str | None = None) -> APIClient:
    return APIClient(SERVER_NAME=host or _domain(tenant_obj.schema_name))


@pytest.fixture
def api(tenant):
    """A DRF client whose requests reach tenant alpha's host."""
    return make_api_client(tenant)


@pytest.fixture
def staff_user(tenant):
    from tests.factories.core import StaffFactory

    return StaffFactory(role="owner", is_superuser=True)


@pytest.fixture
def staff_api(api, staff_user):
    api.force_authenticate(staff_user)
    return api
