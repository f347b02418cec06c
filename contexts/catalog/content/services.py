"""AI content commands. Requesting a text (API, admin) checks the provider is configured and the
plan's monthly quota, then queues a job, whose task runs after commit; the provider is called by
`run_job`, from the task, with no transaction open. A proposal reaches the product only when
staff accept it (`accept`): the product's write is audited like any catalog change."""
from __future__ import annotations

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.catalog.content import prompts, provider as providers
from contexts.catalog.content.models import AiSettings, GenerationJob, GenerationKind, GenerationStatus, ProductSeoText
from contexts.catalog.models import Product, ProductImage
from contexts.core import api as core_api
from crm import audit
from crm.rest.errors import DomainError, InvalidInput, NotFound
from crm.transactions import joined

S = GenerationStatus
# Texts that can be served again for the same input (a rejected one is not: staff asked for another).
REUSABLE = (S.PROPOSED, S.ACCEPTED)
COST_PLACES = Decimal("0.000001")


class AiNotConfigured(DomainError):
    code = "ai_not_configured"
    status_code = 409


class ReviewClosed(DomainError):
    code = "generation_not_proposed"
    status_code = 409


def not_configured() -> AiNotConfigured:
    return AiNotConfigured(_("No AI provider is configured for this organisation: set its base URL and model in the "
                             "AI settings first. No text was generated."))


# --- settings -------------------------------------------------------------------------------------

SETTING_FIELDS = ("is_enabled", "base_url", "model", "api_key", "price_per_1k_input_tokens", "price_per_1k_output_tokens")


def settings_row() -> AiSettings:
    return AiSettings.objects.filter(pk=1).first() or AiSettings(pk=1)


def settings_update(**values) -> AiSettings:
    """Changes the given fields (an absent api_key is kept; an empty one clears it)."""
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    with joined():
        row = AiSettings.objects.select_for_update().filter(pk=1).first() or AiSettings(pk=1)
        for key, value in values.items():
            if key in ("base_url", "model", "api_key"):
                value = (value or "").strip()
            setattr(row, key, value)
        row.full_clean()
        row.save()
    return row


# --- requesting -----------------------------------------------------------------------------------

def month_start(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def used_this_month(*, now: datetime.datetime) -> int:
    """Generations that count against the monthly quota: every job of the month that asks (or
    asked) the provider, less the failed ones; texts served from the cache cost nothing."""
    return (GenerationJob.objects.filter(created_at__gte=month_start(now), from_cache=False)
            .exclude(status=S.FAILED).count())


def request_generation(*, product_id: uuid.UUID | str, kind: str, image_id: uuid.UUID | str | None = None,
                       now: datetime.datetime | None = None) -> GenerationJob:
    """A new job for this product and kind. Raises AiNotConfigured (no provider),
    PlanLimitReached (the plan's monthly quota is used up), NotFound, InvalidInput."""
    now = now or timezone.now()
    if kind not in GenerationKind.values:
        raise InvalidInput(_("Choose description, seo or alt_text."), field="kind")
    with joined():
        # The settings row, locked: two requests do not both take the quota's last generation.
        row = AiSettings.objects.select_for_update().filter(pk=1).first()
        if row is None or not row.is_configured:
            raise not_configured()
        product = Product.objects.select_related("category").prefetch_related("variants").filter(pk=product_id).first()
        if product is None:
            raise NotFound(_("No such product."), field="product_id")
        image = None
        if kind == GenerationKind.ALT_TEXT:
            images = ProductImage.objects.filter(product=product)
            image = images.filter(pk=image_id).first() if image_id else images.order_by("position").first()
            if image is None:
                raise InvalidInput(_("This product has no such image to describe."), field="image_id")
        elif image_id:
            raise InvalidInput(_("Only an alt text is about one image."), field="image_id")
        prompt = prompts.prompt_for(kind=kind, product=product, image=image)
        digest = prompts.input_hash(kind=kind, model=row.model, prompt=prompt)
        actor = audit.current_actor().label[:200]
        cached = (GenerationJob.objects.filter(input_hash=digest, status__in=REUSABLE).exclude(proposal="")
                  .order_by("created_at").first())
        if cached is not None:
            return GenerationJob.objects.create(
                product=product, image=image, kind=kind, model=row.model, prompt=prompt, input_hash=digest,
                status=S.PROPOSED, proposal=cached.proposal, from_cache=True, requested_by=actor, finished_at=now)
        core_api.check_plan_limit(resource="ai_generations_per_month", current=used_this_month(now=now))
        job = GenerationJob.objects.create(product=product, image=image, kind=kind, model=row.model, prompt=prompt,
                                           input_hash=digest, requested_by=actor)
        from contexts.catalog.content import tasks

        transaction.on_commit(lambda: tasks.generate_content.delay(job_id=str(job.id)))
    return job


# --- running (from the task, no transaction open) -------------------------------------------------

def cost_of(*, row: AiSettings, tokens_in: int, tokens_out: int) -> Decimal:
    total = (Decimal(tokens_in) * row.price_per_1k_input_tokens + Decimal(tokens_out) * row.price_per_1k_output_tokens) / 1000
    return total.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def _finish(job_id, **fields) -> str:
    with transaction.atomic(durable=True):
        job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (S.QUEUED, S.RUNNING):
            return "skipped"
        for key, value in fields.items():
            setattr(job, key, value)
        job.finished_at = timezone.now()
        job.save()
        return job.status


def fail_job(*, job_id: uuid.UUID | str, error: str) -> str:
    return _finish(job_id, status=S.FAILED, error=error[:300])


def run_job(*, job_id: uuid.UUID | str) -> str:
    """Runs one queued job: from the cache when an earlier job had the same input, else through
    the provider. ProviderUnavailable goes up to the task (retried with backoff); a refusal or a
    missing provider fails the job. Returns the job's new status, or "skipped"."""
    with transaction.atomic(durable=True):
        job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (S.QUEUED, S.RUNNING):
            return "skipped"
        job.status, job.attempts = S.RUNNING, job.attempts + 1
        job.save(update_fields=["status", "attempts"])
    cached = (GenerationJob.objects.filter(input_hash=job.input_hash, status__in=REUSABLE).exclude(pk=job.pk)
              .exclude(proposal="").order_by("created_at").first())
    if cached is not None:  # the same input finished meanwhile: the provider is not asked twice
        return _finish(job.pk, status=S.PROPOSED, proposal=cached.proposal, from_cache=True)
    row = AiSettings.objects.filter(pk=1).first()
    if row is None or not row.is_configured:
        return fail_job(job_id=job.pk, error=str(not_configured()))
    try:
        completion = providers.for_settings(row).complete(
            system=prompts.SYSTEM, prompt=job.prompt, model=job.model, max_tokens=_max_tokens())
    except providers.ProviderRefused as exc:
        return fail_job(job_id=job.pk, error=str(exc))
    text = completion.text[:prompts.MAX_LENGTH[GenerationKind(job.kind)]].strip()
    return _finish(job.pk, status=S.PROPOSED, proposal=text, tokens_in=completion.tokens_in,
                   tokens_out=completion.tokens_out,
                   cost=cost_of(row=row, tokens_in=completion.tokens_in, tokens_out=completion.tokens_out))


def _max_tokens() -> int:
    from django.conf import settings

    return settings.CATALOG_AI_MAX_TOKENS


# --- review ---------------------------------------------------------------------------------------

def _locked_proposal(job_id) -> GenerationJob:
    job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such generation."), field="job_id")
    if job.status != S.PROPOSED:
        raise ReviewClosed(_("Only a proposal can be accepted or rejected; this generation is %(status)s.")
                           % {"status": job.get_status_display()})
    return job


def accept(*, job_id: uuid.UUID | str, text: str | None = None, now: datetime.datetime | None = None) -> GenerationJob:
    """Writes the proposal (or the reviewer's edited text) into the product: its description,
    its SEO text or its image's alt text. The product's change is audited."""
    with joined():
        job = _locked_proposal(job_id)
        final = (job.proposal if text is None else text).strip()
        limit = prompts.MAX_LENGTH[GenerationKind(job.kind)]
        if not final:
            raise InvalidInput(_("The accepted text cannot be empty."), field="text")
        if len(final) > limit:
            raise InvalidInput(_("This text is at most %(limit)s characters long.") % {"limit": limit}, field="text")
        if job.kind == GenerationKind.DESCRIPTION:
            from contexts.catalog.services import products

            product = Product.objects.select_for_update().get(pk=job.product_id)
            product.description = final
            product.save(update_fields=["description", "updated_at"])
            products.product_reindex(product_id=product.pk)  # the description is searched
        elif job.kind == GenerationKind.SEO:
            seo = ProductSeoText.objects.select_for_update().filter(product_id=job.product_id).first()
            seo = seo or ProductSeoText(product_id=job.product_id)
            seo.meta_description = final
            seo.save()
        else:
            image = ProductImage.objects.select_for_update().filter(pk=job.image_id).first()
            if image is None:
                raise InvalidInput(_("The image of this alt text was deleted."), field="image_id")
            image.alt = final
            image.save(update_fields=["alt"])
        job.status, job.final_text = S.ACCEPTED, final
        job.reviewed_by, job.reviewed_at = audit.current_actor().label[:200], now or timezone.now()
        job.save(update_fields=["status", "final_text", "reviewed_by", "reviewed_at"])
    return job


def reject(*, job_id: uuid.UUID | str, now: datetime.datetime | None = None) -> GenerationJob:
    with joined():
        job = _locked_proposal(job_id)
        job.status = S.REJECTED
        job.reviewed_by, job.reviewed_at = audit.current_actor().label[:200], now or timezone.now()
        job.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return job
