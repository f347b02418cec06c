"""The hostname -> tenant lookup is cached per process (crm.tenant_cache): a cached request runs
neither `SET search_path = public` nor the domain's SELECT, never answers with another host's
tenant, and an organisation's or a domain's change is seen at the next request."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm import tenant_cache
from tests.conftest import _domain, make_api_client

pytestmark = pytest.mark.committed


def _sql(client, path="/healthz"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, [q["sql"] for q in ctx.captured_queries]


def _looked_up(sql):
    return any("tenancy_domain" in q for q in sql)


def test_a_cached_host_skips_the_lookup_until_its_tenant_changes(committed_tenant, settings):
    settings.TENANT_CACHE_SECONDS = 60
    tenant_cache.invalidate()
    gamma, delta = make_api_client(committed_tenant), make_api_client(host=_domain("delta"))
    first, sql = _sql(gamma, "/api/v1/products/")
    assert first.status_code == 200 and _looked_up(sql)
    again, sql = _sql(gamma, "/api/v1/products/")
    assert again.status_code == 200 and not _looked_up(sql)
    assert not any(q.startswith('SET search_path = "public"') for q in sql)
    # Another host: its own tenant, never the cached one.
    other, sql = _sql(delta, "/api/v1/products/")
    assert other.status_code == 200 and _looked_up(sql) and 'SET search_path = "delta","public"' in sql
    _, sql = _sql(gamma, "/api/v1/products/")
    assert 'SET search_path = "gamma","public"' in sql and not _looked_up(sql)
    # The organisation is saved (its legal identity, its name...): every process reads it again.
    committed_tenant.save()
    _, sql = _sql(gamma, "/api/v1/products/")
    assert _looked_up(sql)


def test_off_it_looks_the_host_up_on_every_request(committed_tenant, settings):
    settings.TENANT_CACHE_SECONDS = 0
    gamma = make_api_client(committed_tenant)
    for _ in range(2):
        _, sql = _sql(gamma, "/api/v1/products/")
        assert _looked_up(sql)
