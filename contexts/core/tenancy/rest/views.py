"""Platform API (public schema): platform admins list and sign up organisations."""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from contexts.core.tenancy import services
from contexts.core.tenancy.models import Organisation
from django.utils.translation import gettext as _
from crm.rest.parsers import validated


class OrganisationOutput(serializers.ModelSerializer):
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="domain")

    class Meta:
        model = Organisation
        fields = ["schema_name", "name", "siren", "is_active", "created_at", "domains"]


class OrganisationInput(serializers.Serializer):
    schema_name = serializers.RegexField(r"^[a-z][a-z0-9_]{1,40}$")
    name = serializers.CharField(max_length=200)
    domain = serializers.CharField(max_length=253, required=False)
    admin_username = serializers.CharField(max_length=150, default="admin")
    admin_email = serializers.EmailField(required=False, default="")
    admin_password = serializers.CharField(write_only=True, min_length=8)

    def validate_schema_name(self, value):
        if Organisation.objects.filter(schema_name=value).exists():
            raise serializers.ValidationError(_("An organisation with this schema name exists."))
        return value


class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAdminUser]
    serializer_class = OrganisationOutput
    lookup_field = "schema_name"

    def get_queryset(self):
        return Organisation.objects.exclude(schema_name="public").prefetch_related("domains")

    @extend_schema(request=OrganisationInput, responses={201: OrganisationOutput})
    def create(self, request):
        data = validated(OrganisationInput, request.data)
        try:
            provisioned = services.provision_tenant(**data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        org = self.get_queryset().get(schema_name=provisioned.schema_name)
        return Response(OrganisationOutput(org).data, status=status.HTTP_201_CREATED)
