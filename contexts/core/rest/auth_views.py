"""Tokens for staff (JWT bound to the tenant) and the online shop's customer accounts."""
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from contexts.core.accounts import lockout
from crm import revocation
from crm.rest import authentication as auth, permissions, throttling
from contexts.core.models import Customer, CustomerAddress
from crm.rest.errors import DomainError
from django.utils.translation import gettext as _
from crm.rest.parsers import validated

TokenPair = inline_serializer("TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()})


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status_code = status.HTTP_429_TOO_MANY_REQUESTS


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status_code = status.HTTP_401_UNAUTHORIZED


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


def _refuse_while_locked(name: str, request, *, field: str) -> None:
    if lockout.is_locked(name, request):
        raise TooManyAttempts(_("Too many failed attempts: try again in a few minutes."), field=field)
    if lockout.must_slow_down(request):
        raise TooManyAttempts(_("Too many failed attempts from this address: try again in a few seconds."), field=field)


def _pair(refresh: RefreshToken) -> dict:
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [throttling.TenantRateThrottle, throttling.LoginRateThrottle]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'  # a bad token or password is a 401, not a 403


class TokenObtainView(PublicView):
    """Staff login: a JWT pair valid on this tenant only."""

    @extend_schema(request=LoginInput, responses={200: TokenPair}, auth=[])
    def post(self, request):
        data = validated(LoginInput, request.data)
        username, password = data["username"], data["password"]
        _refuse_while_locked(username, request, field="username")
        # The backend would check both again: it is also the admin's login, which has no view of ours.
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            raise InvalidCredentials(_("Wrong username or password."), field="password")
        return Response(_pair(auth.staff_tokens(user)))


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField()


def _refresh_token_of_this_tenant(raw: str) -> RefreshToken:
    try:
        token = RefreshToken(raw)
    except TokenError as exc:
        raise InvalidToken({"detail": str(exc), "code": "token_not_valid"})
    auth.check_token_tenant(token, kind=token.get(auth.KIND_CLAIM, "staff"))
    return token


class TokenRefreshView(PublicView):
    """A new access token (and a new refresh token: the old one is blacklisted)."""

    @extend_schema(request=RefreshInput, responses={200: TokenPair}, auth=[])
    def post(self, request):
        data = validated(RefreshInput, request.data)
        _refresh_token_of_this_tenant(data["refresh"])
        try:
            return Response(validated(TokenRefreshSerializer, {"refresh": data["refresh"]}))
        except TokenError as exc:
            raise InvalidToken({"detail": str(exc), "code": "token_not_valid"})


class LogoutInput(RefreshInput):
    access = serializers.CharField(required=False, help_text="The access token to revoke too (or send it as "
                                                             "`Authorization: Bearer ...`).")


def _access_token_of_this_tenant(raw: str) -> AccessToken:
    try:
        token = AccessToken(raw)
    except TokenError as exc:
        raise InvalidToken({"detail": str(exc), "code": "token_not_valid"})
    auth.check_token_tenant(token, kind=token.get(auth.KIND_CLAIM, "staff"))
    return token


class LogoutView(PublicView):
    """Revokes the refresh token (blacklist) and the access token (denylist of its id until it
    expires: refused at once by every authentication, crm.revocation)."""

    @extend_schema(request=LogoutInput, responses={205: None}, auth=[])
    def post(self, request):
        data = validated(LogoutInput, request.data)
        refresh = _refresh_token_of_this_tenant(data["refresh"])
        header = request.headers.get("Authorization", "")
        raw_access = data.get("access") or (header[7:].strip() if header.startswith("Bearer ") else "")
        access = _access_token_of_this_tenant(raw_access) if raw_access else None
        refresh.blacklist()
        if access is not None:
            revocation.revoke(access)
        return Response(status=status.HTTP_205_RESET_CONTENT)


# --- customers -----------------------------------------------------------------------------------

class CustomerOutput(serializers.ModelSerializer):
    loyalty_points = serializers.SerializerMethodField(help_text="loyalty points available (null: no programme)")

    class Meta:
        model = Customer
        fields = ["id", "email", "first_name", "last_name", "phone", "created_at", "loyalty_points"]

    def get_loyalty_points(self, customer) -> int | None:
        # Engagement (above core) answers through the kernel hook; without it, null.
        from crm import hooks

        return hooks.call("loyalty.points", client_id=customer.client_id, default=None) if customer.client_id else None


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")

    def validate_email(self, value):
        value = value.strip().lower()
        if Customer.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(_("An account with this e-mail exists."))
        return value

    def validate_password(self, value):
        try:
            validate_password(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages)
        return value


class CustomerRegisterView(PublicView):
    @extend_schema(request=RegisterInput, responses={201: CustomerOutput}, auth=[])
    def post(self, request):
        data = validated(RegisterInput, request.data)
        values = dict(data)
        customer = Customer(**{k: v for k, v in values.items() if k != "password"})
        customer.set_password(values["password"])
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError:  # registered twice at once
            raise serializers.ValidationError({"email": [_("An account with this e-mail exists.")]})
        return Response({"customer": CustomerOutput(customer).data, **_pair(auth.customer_tokens(customer))}, status=status.HTTP_201_CREATED)


class CustomerLoginInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class CustomerLoginView(PublicView):
    @extend_schema(request=CustomerLoginInput, responses={200: TokenPair}, auth=[])
    def post(self, request):
        data = validated(CustomerLoginInput, request.data)
        email = data["email"].strip().lower()
        lock_name = f"customer:{email}"
        _refuse_while_locked(lock_name, request, field="email")
        customer = Customer.objects.filter(email__iexact=email, is_active=True).first()
        if customer is None or not customer.check_password(data["password"]):
            lockout.register_failure(lock_name, request)
            raise InvalidCredentials(_("Wrong e-mail or password."), field="password")
        lockout.clear_failures(lock_name, request)
        return Response(_pair(auth.customer_tokens(customer)))


class CustomerView(APIView):
    authentication_classes = [auth.CustomerJWTAuthentication]
    permission_classes = [permissions.IsCustomer]

    def customer(self, request) -> Customer:
        return Customer.objects.get(pk=request.user.customer_id)


class ProfileInput(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class CustomerMeView(CustomerView):
    @extend_schema(responses={200: CustomerOutput})
    def get(self, request):
        return Response(CustomerOutput(self.customer(request)).data)

    @extend_schema(request=ProfileInput, responses={200: CustomerOutput})
    def patch(self, request):
        data = validated(ProfileInput, request.data, partial=True)
        customer = self.customer(request)
        for field, value in data.items():
            setattr(customer, field, value)
        customer.save()
        return Response(CustomerOutput(customer).data)


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerAddress
        fields = ["id", "label", "line1", "line2", "postal_code", "city", "country", "is_default"]
        read_only_fields = ["id"]

    def validate_postal_code(self, value):
        if not value.replace(" ", "").isalnum():
            raise serializers.ValidationError(_("Not a postal code."))
        return value


def _save_address(customer, serializer, instance=None):
    with transaction.atomic():
        if serializer.validated_data.get("is_default"):
            customer.addresses.filter(is_default=True).exclude(pk=getattr(instance, "pk", None)).update(is_default=False)
        return serializer.save(customer=customer)


class CustomerAddressesView(CustomerView):
    @extend_schema(responses={200: AddressSerializer(many=True)})
    def get(self, request):
        return Response(AddressSerializer(self.customer(request).addresses.all(), many=True).data)

    @extend_schema(request=AddressSerializer, responses={201: AddressSerializer})
    def post(self, request):
        customer = self.customer(request)
        serializer = AddressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = _save_address(customer, serializer)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class CustomerAddressView(CustomerView):
    def _address(self, request, address_id):
        from django.http import Http404

        address = self.customer(request).addresses.filter(pk=address_id).first()
        if address is None:
            raise Http404
        return address

    @extend_schema(request=AddressSerializer, responses={200: AddressSerializer})
    def patch(self, request, address_id):
        address = self._address(request, address_id)
        serializer = AddressSerializer(address, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(AddressSerializer(_save_address(address.customer, serializer, address)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, address_id):
        self._address(request, address_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
