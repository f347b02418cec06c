from rest_framework import serializers

from contexts.core.models import Client
from django.utils.translation import gettext as _


class ClientOutput(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Client
        fields = ["id", "kind", "display_name", "first_name", "last_name", "company_name", "email",
                  "phone", "city", "postal_code", "siren", "created_at"]


class ClientInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "company"])
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    company_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    siren = serializers.RegexField(r"^\d{9}$", required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["kind"] == "person" and not attrs["last_name"]:
            raise serializers.ValidationError({"last_name": [_("A person needs a last name.")]})
        if attrs["kind"] == "company" and not attrs["company_name"]:
            raise serializers.ValidationError({"company_name": [_("A company needs a company name.")]})
        return attrs
