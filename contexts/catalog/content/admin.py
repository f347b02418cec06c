"""AI content in the back office: the provider settings (the key write-only), the generations
to review (accept, optionally after editing the text, or reject) and the product list's actions
that request a generation. Every write goes through contexts.catalog.content.services."""
from django import forms
from unfold.widgets import UnfoldAdminPasswordWidget, UnfoldAdminTextareaWidget
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from unfold.decorators import action

from contexts.catalog.content import services
from contexts.catalog.content.models import AiSettings, GenerationJob, GenerationKind, GenerationStatus
from crm.adminkit import ModelAdmin
from crm.rest.errors import DomainError


class AiSettingsForm(forms.ModelForm):
    api_key = forms.CharField(label="Clé d'API", required=False, widget=UnfoldAdminPasswordWidget(render_value=False),
                              help_text="laissée vide : la clé enregistrée est conservée")
    clear_api_key = forms.BooleanField(label="effacer la clé enregistrée", required=False)

    class Meta:
        model = AiSettings
        fields = ["is_enabled", "base_url", "model", "api_key", "price_per_1k_input_tokens", "price_per_1k_output_tokens"]


@admin.register(AiSettings)
class AiSettingsAdmin(ModelAdmin):
    form = AiSettingsForm
    list_display = ("__str__", "is_enabled", "has_key", "updated_at")
    fields = ("is_enabled", "base_url", "model", "api_key", "clear_api_key", "price_per_1k_input_tokens",
              "price_per_1k_output_tokens")

    @admin.display(description="clé enregistrée", boolean=True)
    def has_key(self, obj):
        return bool(obj.api_key)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AiSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {k: form.cleaned_data[k] for k in ("is_enabled", "base_url", "model", "price_per_1k_input_tokens",
                                                    "price_per_1k_output_tokens")}
        if form.cleaned_data.get("clear_api_key"):
            values["api_key"] = ""
        elif form.cleaned_data.get("api_key"):
            values["api_key"] = form.cleaned_data["api_key"]
        saved = services.settings_update(**values)
        obj.pk = saved.pk


class ReviewForm(forms.ModelForm):
    text = forms.CharField(label="Texte à publier", required=False, widget=UnfoldAdminTextareaWidget(attrs={"rows": 8}),
                           help_text="la proposition, que vous pouvez corriger avant de l'accepter")

    class Meta:
        model = GenerationJob
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["text"].initial = self.instance.proposal


ACCEPT, REJECT = "catalog_generationjob_accept_proposal", "catalog_generationjob_reject_proposal"


@admin.register(GenerationJob)
class GenerationJobAdmin(ModelAdmin):
    form = ReviewForm
    list_display = ("product", "kind", "status", "from_cache", "tokens_in", "tokens_out", "cost", "created_at")
    list_filter = ("status", "kind", "from_cache")
    list_select_related = ("product",)
    search_fields = ("product__name",)
    actions = ["accept_selected", "reject_selected"]
    actions_submit_line = ["accept_proposal", "reject_proposal"]
    readonly_fields = ("product", "image", "kind", "status", "model", "proposal", "final_text", "from_cache", "tokens_in",
                       "tokens_out", "cost", "attempts", "error", "requested_by", "reviewed_by", "created_at",
                       "finished_at", "reviewed_at")

    def get_fields(self, request, obj=None):
        review = ("text",) if obj is not None and obj.status == GenerationStatus.PROPOSED else ()
        return ("product", "image", "kind", "status", "proposal", *review) + self.readonly_fields[5:]

    def has_add_permission(self, request):
        return False  # requested from the products' actions or the API

    def has_delete_permission(self, request, obj=None):
        return False  # kept: tokens and cost are accounted by month

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == GenerationStatus.PROPOSED)

    # The submit line's buttons: save_model does the work (nothing is saved around the services).
    @action(description="Accepter et publier dans le produit")
    def accept_proposal(self, request, obj):
        pass

    @action(description="Rejeter la proposition")
    def reject_proposal(self, request, obj):
        pass

    def save_model(self, request, obj, form, change):
        request._ai_review_done = False
        try:
            if REJECT in request.POST:
                services.reject(job_id=obj.pk)
                messages.success(request, _("The proposal was rejected; the product is unchanged."))
            elif ACCEPT in request.POST:
                services.accept(job_id=obj.pk, text=form.cleaned_data.get("text") or None)
                messages.success(request, _("The text was accepted and written into the product."))
            else:
                messages.warning(request, _("Choose to accept or to reject the proposal."))
                return
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        request._ai_review_done = True

    def save_related(self, request, form, formsets, change):
        pass

    def log_change(self, request, obj, message):
        pass  # the audit trail records the review (the job and the product)

    def response_change(self, request, obj):
        if getattr(request, "_ai_review_done", False):
            return HttpResponseRedirect(reverse("admin:catalog_generationjob_changelist"))
        return HttpResponseRedirect(request.path)

    @admin.action(description="Accepter les propositions sélectionnées telles quelles", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._review(request, queryset, services.accept, _("%(count)s proposal(s) accepted."))

    @admin.action(description="Rejeter les propositions sélectionnées", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, services.reject, _("%(count)s proposal(s) rejected."))

    def _review(self, request, queryset, command, done):
        count = 0
        for job_id in queryset.values_list("pk", flat=True):
            try:
                command(job_id=job_id)
                count += 1
            except DomainError as exc:
                messages.error(request, exc.message)
        if count:
            messages.success(request, done % {"count": count})


def _generate(kind: str, description: str):
    def generate(modeladmin, request, queryset):
        count = 0
        for product_id in queryset.values_list("pk", flat=True):
            try:
                services.request_generation(product_id=product_id, kind=kind)
                count += 1
            except DomainError as exc:  # not configured, quota used up, no image: said, and stopped
                messages.error(request, exc.message)
                break
        if count:
            messages.success(request, _("%(count)s generation(s) queued: review them under AI generations.")
                             % {"count": count})

    generate.__name__ = f"generate_{kind}"
    generate.short_description = description
    generate.allowed_permissions = ("change",)
    return generate


# The product list's actions (catalog/admin.py adds them to ProductAdmin).
PRODUCT_ACTIONS = [
    _generate(GenerationKind.DESCRIPTION, "Générer la description (IA)"),
    _generate(GenerationKind.SEO, "Générer le texte SEO (IA)"),
    _generate(GenerationKind.ALT_TEXT, "Générer le texte alternatif de la première image (IA)"),
]
