"""Done when (issue 16 C): a job runs in a REAL Celery worker against the fake provider, lands as
a proposal, is accepted in the admin (edited) and appears in the catalog, with an audit entry;
the plan's quota stops the next job with a clear message (API and admin); the same input is
served from the cache without a second call to the provider."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from contexts.catalog.content import services
from contexts.catalog.content.models import GenerationJob
from contexts.core import api as core_api
from crm.models import AuditEntry
from tests.conftest import make_api_client
from tests.factories import catalog as cat
from tests.factories.core import StaffFactory
from tests.worker import wait_until

pytestmark = [pytest.mark.committed, pytest.mark.worker]
ACCEPT = "catalog_generationjob_accept_proposal"


@pytest.fixture
def gamma_quota(committed_tenant):
    """The plan of tenant gamma allows one AI generation a month (the public row is restored after)."""
    core_api.set_plan_entitlements(schema_name=committed_tenant.schema_name, plan_name="Essentiel", max_users=None,
                                   max_locations=None, max_ai_generations_per_month=1)
    try:
        yield 1
    finally:
        core_api.set_plan_entitlements(schema_name=committed_tenant.schema_name, plan_name="", max_users=None,
                                       max_locations=None, max_ai_generations_per_month=None)


def test_a_job_runs_in_the_worker_is_accepted_in_the_admin_and_the_quota_stops_the_next(
        celery_worker, committed_tenant, gamma_quota, fake_ai):
    services.settings_update(base_url=fake_ai.url, model="fake-model", api_key="sk-gamma",
                             price_per_1k_input_tokens=Decimal("0.4"), price_per_1k_output_tokens=Decimal("1.2"))
    product = cat.product(name="Écharpe mohair", brand="Maison Comptoir", sizes=("Unique",), colour="Vert")
    owner = StaffFactory(role="owner", is_superuser=True)
    api = make_api_client(committed_tenant)
    api.force_authenticate(owner)

    # Requested through the API: 202 and a queued job, which the worker runs against the provider.
    response = api.post(f"/api/v1/products/{product.id}/generations", {"kind": "description"}, format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    wait_until(lambda: GenerationJob.objects.get(pk=job_id).status == "proposed", timeout=90,
               message="the worker's proposal")
    job = GenerationJob.objects.get(pk=job_id)
    assert job.proposal.startswith("Écharpe mohair de Maison Comptoir") and job.tokens_out > 0 and job.cost > 0
    assert fake_ai.state.completions == 1
    product.refresh_from_db()
    assert product.description == ""  # only a proposal so far

    # Accepted in the admin, after an edit: written into the product, audited, seen by the storefront.
    browser = HttpClient(SERVER_NAME=f"{committed_tenant.schema_name}.testserver")
    browser.force_login(owner)
    page = browser.get(f"/admin/catalog/generationjob/{job_id}/change/")
    assert page.status_code == 200 and job.proposal.split(",")[0] in page.content.decode()
    edited = job.proposal + " Tricotée en France."
    done = browser.post(f"/admin/catalog/generationjob/{job_id}/change/", {"text": edited, ACCEPT: "1"}, follow=True)
    assert done.status_code == 200 and "accepté et enregistré dans le produit" in done.content.decode()
    product.refresh_from_db()
    assert product.description == edited
    assert GenerationJob.objects.get(pk=job_id).status == "accepted"
    audit = AuditEntry.objects.filter(object_type="catalog.product", object_id=str(product.id), action="update").first()
    assert audit is not None and audit.changes["description"] == ["", edited] and audit.actor_label == owner.get_username()
    shown = make_api_client(committed_tenant).get(f"/api/v1/products/{product.id}/").json()
    assert shown["description"] == edited

    # The quota (one a month) stops the next job: a 402 naming it in the API, a message in the admin.
    other = cat.product(name="Gants en cuir")
    refused = api.post(f"/api/v1/products/{other.id}/generations", {"kind": "description"}, format="json")
    assert refused.status_code == 402
    error = refused.json()["error"]
    assert error["code"] == "plan_limit_reached" and "ai_generations_per_month" in error["fields"]
    assert error["message"] == "La formule Essentiel permet 1 générations IA par mois."
    listing = browser.post("/admin/catalog/product/", {"action": "generate_seo", "_selected_action": [str(other.id)]},
                           follow=True)
    assert "permet 1 générations IA par mois" in listing.content.decode()
    assert GenerationJob.objects.count() == 1

    # The same input again: served from the cache (not refused, not counted), the provider asked once.
    again = api.post(f"/api/v1/products/{product.id}/generations", {"kind": "description"}, format="json")
    assert again.status_code == 202 and again.json()["from_cache"] is True and again.json()["status"] == "proposed"
    assert fake_ai.state.completions == 1
