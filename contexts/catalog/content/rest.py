"""AI content API (staff): request a generation for a product (202 + the job, run by a Celery
task), read a job, accept (optionally with an edited text) or reject its proposal, and the
tenant's provider settings (the key is write-only)."""
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.catalog.content import selectors, services
from contexts.catalog.content.models import AiSettings, GenerationJob, GenerationKind
from crm.rest.errors import NotFound
from crm.rest.permissions import StaffModelPermissions
from django.utils.translation import gettext as _


class GenerationInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GenerationKind.choices, help_text="description, seo or alt_text")
    image_id = serializers.UUIDField(required=False, allow_null=True,
                                     help_text="alt_text only: the image to describe (default: the product's first)")


class GenerationOutput(serializers.ModelSerializer):
    class Meta:
        model = GenerationJob
        fields = ["id", "product_id", "image_id", "kind", "status", "model", "proposal", "final_text", "from_cache",
                  "tokens_in", "tokens_out", "cost", "attempts", "error", "requested_by", "reviewed_by", "created_at",
                  "finished_at", "reviewed_at"]


class GenerationAcceptInput(serializers.Serializer):
    text = serializers.CharField(required=False, trim_whitespace=True, max_length=5000,
                                 help_text="the reviewer's edited text; absent: the proposal as it is")


class ReviewPermission(StaffModelPermissions):
    """Accepting or rejecting changes a job (and the product): catalog.change_generationjob."""

    perms_map = {**StaffModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class ProductGenerationsView(ListAPIView):
    queryset = GenerationJob.objects.none()
    serializer_class = GenerationOutput

    def get_queryset(self):
        return selectors.jobs_of_product(product_id=self.kwargs["product_id"])

    @extend_schema(summary="The product's AI generations, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Generate a text for the product (queued)", request=GenerationInput,
                   responses={202: GenerationOutput},
                   description=("Queues a generation job (a Celery task calls the tenant's provider) and answers 202 "
                                "with it; poll GET /api/v1/generations/{id}. The same attributes, kind and model "
                                "as an earlier proposal are served from the cache at once (`from_cache`, no provider call, "
                                "not counted). 409 `ai_not_configured` when no provider is set; 402 `plan_limit_reached` "
                                "(field `ai_generations_per_month`) when the plan's monthly quota is used up."))
    def post(self, request, product_id):
        data = GenerationInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            job = services.request_generation(product_id=product_id, kind=data.validated_data["kind"],
                                              image_id=data.validated_data.get("image_id"))
        return Response(GenerationOutput(job).data, status=status.HTTP_202_ACCEPTED)


def _job_or_404(job_id) -> GenerationJob:
    job = selectors.job(job_id=job_id)
    if job is None:
        raise NotFound(_("No such generation."), field="job_id")
    return job


class GenerationView(APIView):
    queryset = GenerationJob.objects.none()

    @extend_schema(summary="A generation job", responses={200: GenerationOutput})
    def get(self, request, job_id):
        return Response(GenerationOutput(_job_or_404(job_id)).data)


class AcceptView(APIView):
    queryset = GenerationJob.objects.none()
    permission_classes = [ReviewPermission]

    @extend_schema(summary="Accept a proposal (optionally edited): it is written into the product", request=GenerationAcceptInput,
                   responses={200: GenerationOutput},
                   description="409 `generation_not_proposed` when the job is not (or no longer) a proposal.")
    def post(self, request, job_id):
        data = GenerationAcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            job = services.accept(job_id=job_id, text=data.validated_data.get("text"))
        return Response(GenerationOutput(job).data)


class RejectView(APIView):
    queryset = GenerationJob.objects.none()
    permission_classes = [ReviewPermission]

    @extend_schema(summary="Reject a proposal: the product is left as it is", request=None,
                   responses={200: GenerationOutput})
    def post(self, request, job_id):
        with transaction.atomic(durable=True):
            job = services.reject(job_id=job_id)
        return Response(GenerationOutput(job).data)


class UsageOutput(serializers.Serializer):
    since = serializers.DateTimeField()
    generations = serializers.IntegerField(help_text="counted against the plan's monthly quota")
    from_cache = serializers.IntegerField(help_text="served from the cache (not counted)")
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost = serializers.DecimalField(max_digits=14, decimal_places=6)


class AiSettingsOutput(serializers.ModelSerializer):
    has_api_key = serializers.SerializerMethodField()
    is_configured = serializers.BooleanField(read_only=True)
    usage = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="null: never saved")

    class Meta:
        model = AiSettings
        fields = ["is_enabled", "base_url", "model", "has_api_key", "price_per_1k_input_tokens",
                  "price_per_1k_output_tokens", "is_configured", "usage", "updated_at"]

    def get_has_api_key(self, obj) -> bool:
        return bool(obj.api_key)

    @extend_schema_field(UsageOutput)
    def get_usage(self, obj) -> dict:
        return UsageOutput(selectors.month_usage(now=timezone.now())).data


class AiSettingsInput(serializers.Serializer):
    is_enabled = serializers.BooleanField(required=False)
    base_url = serializers.URLField(required=False, allow_blank=True, max_length=200,
                                    help_text="OpenAI-compatible base, e.g. https://api.example.com/v1 (POST {base}/chat/completions)")
    model = serializers.CharField(required=False, allow_blank=True, max_length=100)
    api_key = serializers.CharField(required=False, allow_blank=True, max_length=300, write_only=True,
                                    help_text="write-only; absent: kept; empty: removed")
    price_per_1k_input_tokens = serializers.DecimalField(required=False, max_digits=10, decimal_places=6, min_value=0)
    price_per_1k_output_tokens = serializers.DecimalField(required=False, max_digits=10, decimal_places=6, min_value=0)


class AiSettingsView(APIView):
    queryset = AiSettings.objects.none()

    @extend_schema(summary="The organisation's AI provider settings and this month's usage (the key is never returned)",
                   responses={200: AiSettingsOutput})
    def get(self, request):
        return Response(AiSettingsOutput(services.settings_row()).data)

    @extend_schema(summary="Change the AI provider settings (only the fields given)", request=AiSettingsInput,
                   responses={200: AiSettingsOutput})
    def patch(self, request):
        data = AiSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            row = services.settings_update(**data.validated_data)
        return Response(AiSettingsOutput(row).data)
