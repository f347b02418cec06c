"""Staff invitations API: owners and administrators invite (POST), list the open invitations,
revoke one (DELETE); the invited colleague accepts with the link's token (public, POST)."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from contexts.core.accounts import invitations, roles
from contexts.core.accounts.models import Invitation, Role
from contexts.core.rest.auth_views import PublicView
from crm.rest import authentication as auth


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    invited_by = serializers.CharField(source="invited_by.username", default=None, read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return obj.status()


class InviteInput(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open invitations (`?all=1`: every one, accepted, revoked and expired too)."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.select_related("invited_by").order_by("-created_at")

    def get_queryset(self):
        if self.request.query_params.get("all") == "1":
            return self.queryset
        return invitations.open_invitations().select_related("invited_by").order_by("-created_at")

    @extend_schema(request=InviteInput, responses={201: InvitationSerializer})
    def create(self, request):
        data = InviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        role = data.validated_data["role"]
        grantable = roles.grantable_roles(getattr(request.user, "role", ""), superuser=request.user.is_superuser)
        if role not in grantable:
            raise serializers.ValidationError({"role": [_("You cannot invite someone with this role.")]})
        inviter = request.user if getattr(request.user, "kind", "staff") == "staff" and isinstance(request.user.pk, int) else None
        with transaction.atomic(durable=True):
            invitation, token = invitations.invite(email=data.validated_data["email"], role=role, invited_by=inviter)
            invitations.send_email(invitation_id=invitation.pk,
                                   accept_url=request.build_absolute_uri(f"/invitation/{token}"))
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    def destroy(self, request, pk=None):
        self.get_object()
        with transaction.atomic(durable=True):
            invitation = invitations.revoke(invitation_id=pk)
        return Response(InvitationSerializer(invitation).data)


class AcceptInput(serializers.Serializer):
    token = serializers.CharField(max_length=1000)
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


AcceptOutput = inline_serializer("InvitationAccepted", {
    "username": serializers.CharField(), "role": serializers.CharField(),
    "access": serializers.CharField(), "refresh": serializers.CharField()})


class AcceptInvitationView(PublicView):
    """The invited colleague chooses a username and a password: the account is created with the
    invitation's role, and a JWT pair returned. A used, revoked or expired link: 410; an unreadable one: 400."""

    @extend_schema(request=AcceptInput, responses={201: AcceptOutput}, auth=[])
    def post(self, request):
        data = AcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic(durable=True):
            user = invitations.accept(**data.validated_data)
        refresh = auth.staff_tokens(user)
        return Response({"username": user.username, "role": user.role, "access": str(refresh.access_token),
                         "refresh": str(refresh)}, status=status.HTTP_201_CREATED)
