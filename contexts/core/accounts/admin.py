from django import forms
from django.contrib import admin
from django.db import transaction
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from contexts.core.accounts import invitations, services
from contexts.core.accounts.models import Invitation, User
from crm.adminkit import ModelAdmin

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form, add_form, change_password_form = UserChangeForm, UserCreationForm, AdminPasswordChangeForm
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personne", {"fields": ("first_name", "last_name", "email")}),
        ("Accès", {"fields": ("role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role")}),)
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        services.user_add(obj)

    def _is_owner(self, request) -> bool:
        return request.user.is_superuser or getattr(request.user, "role", None) == "owner"

    def _owner_only(self, request, obj) -> bool:
        """Only an owner manages an owner's account."""
        return obj is not None and obj.role == "owner" and not self._is_owner(request)

    def has_change_permission(self, request, obj=None):
        return not self._owner_only(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._owner_only(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not self._is_owner(request):
            kwargs["choices"] = [c for c in db_field.choices if c[0] != "owner"]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]


@admin.register(Invitation)
class InvitationAdmin(ModelAdmin):
    """Invite a colleague (the e-mail with the link leaves after saving), see who is pending,
    revoke. An accepted or revoked invitation stays as a record."""

    form = InvitationForm
    list_display = ("email", "role", "state", "invited_by", "created_at", "expires_at")
    list_filter = ("role",)
    list_select_related = ("invited_by",)
    search_fields = ("email",)
    actions = ["revoke"]

    @admin.display(description="état")
    def state(self, obj):
        return {"pending": "en attente", "accepted": "acceptée", "revoked": "révoquée", "expired": "expirée"}[obj.status()]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "user", "revoked_at")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            from contexts.core.accounts.roles import grantable_roles

            allowed = grantable_roles(getattr(request.user, "role", ""), superuser=request.user.is_superuser)
            kwargs["choices"] = [c for c in db_field.choices if c[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        with transaction.atomic():
            created, token = invitations.invite(email=obj.email, role=obj.role, invited_by=request.user)
            invitations.send_email(invitation_id=created.pk, accept_url=request.build_absolute_uri(f"/invitation/{token}"))
        obj.pk = created.pk

    @admin.action(description="Révoquer")
    def revoke(self, request, queryset):
        done = 0
        for invitation in queryset:
            if invitation.status() in ("pending", "expired"):
                with transaction.atomic():
                    invitations.revoke(invitation_id=invitation.pk)
                done += 1
        self.message_user(request, f"{done} invitation(s) révoquée(s).")

    def has_change_permission(self, request, obj=None):  # the action needs it; the page stays read-only
        return super().has_change_permission(request, obj) and obj is None
