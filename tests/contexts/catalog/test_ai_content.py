"""AI content for the catalog (issue 16, part C): a generated text is a proposal that staff
accept (optionally edited) or reject; only acceptance writes into the product. No provider
configured: said clearly, nothing invented. Same input: served from the cache, the provider
asked once. The plan's monthly quota refuses the next job with a message naming it."""
from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from contexts.catalog.content import provider, services
from contexts.catalog.content.models import AiSettings, GenerationJob, ProductSeoText
from contexts.catalog.models import ProductImage
from contexts.core import api as core_api
from crm.models import AuditEntry
from tests.factories import catalog as cat
from tests.factories.core import StaffFactory

ACCEPT, REJECT = "catalog_generationjob_accept_proposal", "catalog_generationjob_reject_proposal"


def configure(url: str, **overrides) -> AiSettings:
    values = {"base_url": url, "model": "fake-model", "api_key": "sk-tenant-secret-123",
              "price_per_1k_input_tokens": Decimal("0.500000"), "price_per_1k_output_tokens": Decimal("1.500000")}
    values.update(overrides)
    return services.settings_update(**values)


def quota(schema: str, per_month: int | None) -> None:
    core_api.set_plan_entitlements(schema_name=schema, plan_name="Essentiel" if per_month is not None else "",
                                   max_users=None, max_locations=None, max_ai_generations_per_month=per_month)


def _generate(staff_api, product, kind="description", **extra):
    return staff_api.post(f"/api/v1/products/{product.id}/generations", {"kind": kind, **extra}, format="json")


# --- no provider -------------------------------------------------------------------------------------

def test_without_a_provider_the_api_says_so_and_invents_nothing(tenant, staff_api, fake_ai):
    product = cat.product()
    response = _generate(staff_api, product)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "ai_not_configured"
    assert "Aucun fournisseur d'IA" in error["message"]
    assert not GenerationJob.objects.exists() and fake_ai.state.completions == 0

    configure(fake_ai.url, is_enabled=False)  # switched off: the same answer
    assert _generate(staff_api, product).json()["error"]["code"] == "ai_not_configured"


def test_without_a_provider_the_admin_action_shows_a_message(tenant, fake_ai):
    product = cat.product()
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="owner", is_superuser=True))
    page = browser.post("/admin/catalog/product/", {"action": "generate_description", "_selected_action": [str(product.id)]},
                        follow=True)
    assert page.status_code == 200
    assert "Aucun fournisseur d&#x27;IA" in page.content.decode()
    assert not GenerationJob.objects.exists() and fake_ai.state.completions == 0


# --- a job's life, in-process (the worker test below runs it in a real worker) ---------------------

def test_a_job_becomes_a_proposal_with_its_tokens_and_cost_and_the_product_is_unchanged(tenant, staff_api, fake_ai):
    configure(fake_ai.url)
    product = cat.product(name="Bonnet", brand="Laine & Co", sizes=("S", "M"), colour="Rouge")
    response = _generate(staff_api, product)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    job_id = response.json()["id"]

    assert services.run_job(job_id=job_id) == "proposed"
    job = GenerationJob.objects.get(pk=job_id)
    assert job.proposal.startswith("Bonnet de Laine & Co") and "taille : M/S" in job.proposal
    sent = fake_ai.state.requests[0]
    assert sent["model"] == "fake-model" and "Bonnet" in sent["messages"][1]["content"]
    assert fake_ai.state.headers[0]["Authorization"] == "Bearer sk-tenant-secret-123"
    assert job.tokens_in > 0 and job.tokens_out > 0
    expected = (Decimal(job.tokens_in) * Decimal("0.5") + Decimal(job.tokens_out) * Decimal("1.5")) / 1000
    assert job.cost == expected.quantize(Decimal("0.000001"))
    product.refresh_from_db()
    assert product.description == ""  # a proposal until accepted

    got = staff_api.get(f"/api/v1/generations/{job_id}").json()
    assert got["status"] == "proposed" and got["proposal"] == job.proposal
    usage = staff_api.get("/api/v1/ai-settings").json()["usage"]
    assert usage["generations"] == 1 and usage["tokens_out"] == job.tokens_out


def test_the_same_input_is_served_from_the_cache_without_asking_the_provider_again(tenant, staff_api, fake_ai):
    configure(fake_ai.url)
    product = cat.product()
    first = _generate(staff_api, product).json()
    services.run_job(job_id=first["id"])
    assert fake_ai.state.completions == 1

    again = _generate(staff_api, product)
    assert again.status_code == 202
    body = again.json()
    assert body["status"] == "proposed" and body["from_cache"] is True and body["tokens_in"] == 0
    assert body["proposal"] == GenerationJob.objects.get(pk=first["id"]).proposal
    assert fake_ai.state.completions == 1

    # Two jobs queued before either ran: the second finds the first's text when it runs.
    other = cat.product(name="Gants")
    a, b = _generate(staff_api, other).json(), _generate(staff_api, other).json()
    assert a["status"] == b["status"] == "queued"
    services.run_job(job_id=a["id"]), services.run_job(job_id=b["id"])
    assert fake_ai.state.completions == 2
    assert GenerationJob.objects.get(pk=b["id"]).from_cache is True

    # Another model, or changed attributes: a new input, the provider is asked.
    configure(fake_ai.url, model="fake-model-2")
    services.run_job(job_id=_generate(staff_api, product).json()["id"])
    assert fake_ai.state.completions == 3


def test_a_rejected_text_is_not_served_again(tenant, staff_api, fake_ai):
    configure(fake_ai.url)
    product = cat.product(description="Texte d'origine")
    job_id = _generate(staff_api, product).json()["id"]
    services.run_job(job_id=job_id)
    rejected = staff_api.post(f"/api/v1/generations/{job_id}/reject")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    product.refresh_from_db()
    assert product.description == "Texte d'origine"
    assert staff_api.post(f"/api/v1/generations/{job_id}/accept", {}, format="json").status_code == 409

    fresh = _generate(staff_api, product).json()
    assert fresh["status"] == "queued" and fresh["from_cache"] is False


def test_a_provider_that_refuses_fails_the_job_and_one_that_is_down_is_retried_then_fails(tenant, staff_api, fake_ai, settings):
    configure(fake_ai.url)
    fake_ai.state.refuse = True
    job_id = _generate(staff_api, cat.product()).json()["id"]
    assert services.run_job(job_id=job_id) == "failed"
    job = GenerationJob.objects.get(pk=job_id)
    assert "401" in job.error and job.proposal == ""
    assert provider.breaker_state(provider.breaker_name(fake_ai.url)) == "closed"  # a refusal is not an outage

    fake_ai.state.refuse, fake_ai.state.down = False, True
    job_id = _generate(staff_api, cat.product(name="Autre")).json()["id"]
    with pytest.raises(provider.ProviderUnavailable):
        services.run_job(job_id=job_id)
    assert GenerationJob.objects.get(pk=job_id).status == "running"  # the task retries it
    assert services.fail_job(job_id=job_id, error="provider answered 503") == "failed"  # retries spent
    # Failed jobs are not counted against the quota.
    assert services.used_this_month(now=datetime.datetime.now(datetime.timezone.utc)) == 0


def test_the_breaker_opens_after_repeated_outages_and_then_sends_nothing(tenant, staff_api, fake_ai, settings):
    settings.CATALOG_AI_BREAKER_FAIL_MAX = 2
    provider.reset_breaker(provider.breaker_name(fake_ai.url))
    configure(fake_ai.url)
    fake_ai.state.down = True
    product = cat.product()
    for _ in range(3):
        job_id = _generate(staff_api, product).json()["id"]
        with pytest.raises(provider.ProviderUnavailable):
            services.run_job(job_id=job_id)
    assert provider.breaker_state(provider.breaker_name(fake_ai.url)) == "open"
    assert fake_ai.state.completions == 2  # the third call was not sent


# --- review writes into the product --------------------------------------------------------------

def test_accepting_seo_and_alt_texts_writes_them_into_the_product(tenant, staff_api, fake_ai):
    configure(fake_ai.url)
    product = cat.product(name="Sac cabas")
    image = ProductImage.objects.create(product=product, url="https://cdn.example.com/sac.jpg", position=0)

    seo = _generate(staff_api, product, "seo").json()
    services.run_job(job_id=seo["id"])
    assert staff_api.post(f"/api/v1/generations/{seo['id']}/accept", {}, format="json").status_code == 200
    assert ProductSeoText.objects.get(product=product).meta_description.startswith("Sac cabas")

    alt = _generate(staff_api, product, "alt_text").json()
    assert alt["image_id"] == str(image.id)
    services.run_job(job_id=alt["id"])
    edited = staff_api.post(f"/api/v1/generations/{alt['id']}/accept", {"text": "Sac cabas en toile, vue de face"},
                            format="json")
    assert edited.status_code == 200 and edited.json()["final_text"] == "Sac cabas en toile, vue de face"
    image.refresh_from_db()
    assert image.alt == "Sac cabas en toile, vue de face"

    too_long = _generate(staff_api, cat.product(name="Panier"), "seo").json()
    services.run_job(job_id=too_long["id"])
    refused = staff_api.post(f"/api/v1/generations/{too_long['id']}/accept", {"text": "x" * 321}, format="json")
    assert refused.status_code == 400 and "text" in refused.json()["error"]["fields"]


def test_bad_input_is_a_400_naming_the_field(tenant, staff_api, fake_ai):
    configure(fake_ai.url)
    product = cat.product()
    assert "kind" in _generate(staff_api, product, "poem").json()["error"]["fields"]
    no_image = _generate(staff_api, product, "alt_text")
    assert no_image.status_code == 400 and "image_id" in no_image.json()["error"]["fields"]
    bad_url = staff_api.patch("/api/v1/ai-settings", {"base_url": "not a url"}, format="json")
    assert bad_url.status_code == 400 and "base_url" in bad_url.json()["error"]["fields"]
    assert staff_api.get("/api/v1/generations/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_key_is_write_only_and_kept_out_of_the_audit_trail(tenant, staff_api):
    response = staff_api.patch("/api/v1/ai-settings", {"base_url": "https://llm.example.com/v1", "model": "m-1",
                                                              "api_key": "sk-very-secret"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["has_api_key"] is True and body["is_configured"] is True and "api_key" not in body
    assert "sk-very-secret" not in json.dumps(staff_api.get("/api/v1/ai-settings").json())
    assert AiSettings.objects.get().api_key == "sk-very-secret"
    staff_api.patch("/api/v1/ai-settings", {"model": "m-2"}, format="json")  # the key is kept
    assert AiSettings.objects.get().api_key == "sk-very-secret"
    entries = AuditEntry.objects.filter(object_type="catalog.aisettings")
    assert entries.count() == 2
    assert all("sk-very-secret" not in json.dumps(e.changes) for e in entries)


def test_a_cashier_may_neither_generate_nor_review_nor_read_the_settings(tenant, api, fake_ai):
    configure(fake_ai.url)
    product = cat.product()
    job = services.request_generation(product_id=product.id, kind="description")
    api.force_authenticate(StaffFactory(role="cashier"))
    assert _generate(api, product).status_code == 403
    assert api.post(f"/api/v1/generations/{job.id}/accept", {}, format="json").status_code == 403
    assert api.get("/api/v1/ai-settings").status_code == 403
    api.force_authenticate(StaffFactory(role="manager"))
    assert api.get("/api/v1/ai-settings").status_code == 403  # the key's row: owners and admins
    assert _generate(api, product).status_code == 202


def test_the_quota_counts_this_month_only_and_cached_texts_are_free(tenant, staff_api, fake_ai):
    configure(fake_ai.url)
    quota(tenant.schema_name, 1)
    p1, p2 = cat.product(name="Un"), cat.product(name="Deux")
    job = services.request_generation(product_id=p1.id, kind="description",
                                      now=datetime.datetime(2026, 10, 31, 23, 0, tzinfo=datetime.timezone.utc))
    services.run_job(job_id=job.id)
    refused = _generate(staff_api, p2)
    assert refused.status_code == 402
    error = refused.json()["error"]
    assert error["code"] == "plan_limit_reached" and "ai_generations_per_month" in error["fields"]
    assert "1 générations IA par mois" in error["message"]
    assert _generate(staff_api, p1).json()["from_cache"] is True  # served from the cache: not refused
    # Last month's generation does not count in the next month.
    GenerationJob.objects.filter(pk=job.pk).update(created_at=datetime.datetime(2026, 9, 30, tzinfo=datetime.timezone.utc))
    assert _generate(staff_api, p2).status_code == 202


def test_the_task_fails_the_job_with_the_error_once_its_retries_are_spent(tenant, staff_api, fake_ai, monkeypatch):
    from contexts.catalog.content import tasks

    configure(fake_ai.url)
    fake_ai.state.down = True
    job_id = _generate(staff_api, cat.product()).json()["id"]
    monkeypatch.setattr(tasks.generate_content, "max_retries", 0)
    assert tasks.generate_content.apply(kwargs={"job_id": job_id}).get() == "failed"
    job = GenerationJob.objects.get(pk=job_id)
    assert job.status == "failed" and "503" in job.error and job.attempts == 1


def test_the_admin_rejects_a_proposal_and_accepts_others_from_the_list(tenant, staff_api, fake_ai):
    configure(fake_ai.url)
    first, second = cat.product(name="Plaid", description="Plaid d'origine"), cat.product(name="Coussin")
    a = services.request_generation(product_id=first.id, kind="description")
    b = services.request_generation(product_id=second.id, kind="description")
    services.run_job(job_id=a.id), services.run_job(job_id=b.id)
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(role="owner", is_superuser=True))

    page = browser.post(f"/admin/catalog/generationjob/{a.id}/change/", {"text": "peu importe", REJECT: "1"}, follow=True)
    assert "La proposition a été rejetée" in page.content.decode()
    first.refresh_from_db()
    assert first.description == "Plaid d'origine" and GenerationJob.objects.get(pk=a.id).status == "rejected"
    assert browser.get(f"/admin/catalog/generationjob/{a.id}/change/").status_code == 200  # read-only now

    listing = browser.post("/admin/catalog/generationjob/", {"action": "accept_selected",
                                                              "_selected_action": [str(a.id), str(b.id)]}, follow=True)
    text = listing.content.decode()
    assert "1 proposition(s) acceptée(s)" in text and "Seule une proposition peut être acceptée" in text
    second.refresh_from_db()
    assert second.description == GenerationJob.objects.get(pk=b.id).proposal
