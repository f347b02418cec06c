"""Engagement API: client timeline, activities, tasks, health score, loyalty, unsubscribe link."""
from __future__ import annotations

import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.core import api as core_api
from contexts.engagement import selectors
from contexts.engagement.models import Activity, ActivityKind, ClientHealth, LoyaltyAccount, Task, TimelineEntry
from contexts.engagement.services import activities, loyalty, notifications
from crm.rest import authentication
from crm.rest.errors import InvalidInput, NotFound
from crm.rest.permissions import IsCustomer


def _client(client_id: uuid.UUID) -> uuid.UUID:
    if core_api.client_summary(client_id=client_id) is None:
        raise NotFound(_("No such client."), field="client_id")
    return client_id


class TimelineOutput(serializers.ModelSerializer):
    class Meta:
        model = TimelineEntry
        fields = ["occurred_at", "source", "kind", "title", "amount", "reference_id"]


class TimelineView(generics.ListAPIView):
    """A client's timeline, newest first, from every context and from staff."""

    serializer_class = TimelineOutput
    queryset = TimelineEntry.objects.none()

    def get_queryset(self):
        return selectors.timeline(client_id=self.kwargs["client_id"])


class ActivityInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ActivityOutput(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "client_id", "kind", "subject", "body", "occurred_at", "author_id"]


class ActivityView(generics.ListCreateAPIView):
    """Notes, calls and meetings logged by staff about a client (they join its timeline)."""

    serializer_class = ActivityOutput
    queryset = Activity.objects.none()

    def get_queryset(self):
        return Activity.objects.filter(client_id=self.kwargs["client_id"])

    @extend_schema(request=ActivityInput, responses={201: ActivityOutput})
    def post(self, request, client_id):
        data = ActivityInput(data=request.data)
        data.is_valid(raise_exception=True)
        author = request.user.pk if getattr(request.user, "kind", "staff") == "staff" and hasattr(request.user, "pk") else None
        activity = activities.log_activity(client_id=_client(client_id), author_id=author, **data.validated_data)
        return Response(ActivityOutput(activity).data, status=status.HTTP_201_CREATED)


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    assignee_id = serializers.IntegerField(min_value=1)
    due_date = serializers.DateField()
    client_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class TaskOutput(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "assignee_id", "due_date", "client_id", "done_at", "created_at"]


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TaskOutput
    queryset = Task.objects.all()
    filterset_fields = {"assignee_id": ["exact"], "client_id": ["exact"], "due_date": ["exact", "gte", "lte"],
                        "done_at": ["isnull"]}
    ordering_fields = ["due_date", "created_at"]

    @extend_schema(request=TaskInput, responses={201: TaskOutput})
    def create(self, request):
        data = TaskInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["client_id"]:
            _client(data.validated_data["client_id"])
        task = activities.create_task(**data.validated_data)
        return Response(TaskOutput(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TaskOutput})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return Response(TaskOutput(activities.complete_task(task_id=pk)).data)


class HealthOutput(serializers.Serializer):
    client_id = serializers.UUIDField()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    computed_on = serializers.DateField()


class HealthView(APIView):
    queryset = ClientHealth.objects.none()

    @extend_schema(responses={200: HealthOutput})
    def get(self, request, client_id):
        row = selectors.health(client_id=client_id)
        if row is None:
            raise NotFound(_("No health score for this client yet."), field="client_id")
        return Response(HealthOutput({"client_id": row.client_id, "score": row.score, "computed_on": row.computed_on,
                                      "reasons": selectors.top_reasons(row)}).data)


class BalanceOutput(serializers.Serializer):
    client_id = serializers.UUIDField()
    points = serializers.IntegerField()
    earned_total = serializers.IntegerField()
    tier = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    next_tier = serializers.CharField()
    points_to_next_tier = serializers.IntegerField()


class ClientLoyaltyView(APIView):
    """A client's points, tier and their value (staff)."""

    queryset = LoyaltyAccount.objects.none()

    @extend_schema(responses={200: BalanceOutput})
    def get(self, request, client_id):
        return Response(BalanceOutput(loyalty.balance(client_id=_client(client_id))).data)


class MyLoyaltyView(APIView):
    """The signed-in shop customer's points, tier and their value (the profile's loyalty part)."""

    authentication_classes = [authentication.CustomerJWTAuthentication]
    permission_classes = [IsCustomer]

    @extend_schema(responses={200: BalanceOutput})
    def get(self, request):
        try:
            summary = core_api.client_for_customer(customer_id=uuid.UUID(str(request.user.customer_id)))
        except (ObjectDoesNotExist, ValueError) as exc:  # a token whose customer account is gone
            raise NotFound(_("No such customer."), field="customer") from exc
        return Response(BalanceOutput(loyalty.balance(client_id=summary.client_id)).data)


class RedeemInput(serializers.Serializer):
    client_id = serializers.UUIDField()
    points = serializers.IntegerField(min_value=1, max_value=10_000_000)
    reference = serializers.CharField(max_length=64)


class RedeemOutput(serializers.Serializer):
    discount = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = BalanceOutput()


class RedeemView(APIView):
    """Spends a client's points for a discount (the till, a sales desk). The same reference
    redeems once: a retry answers the same discount."""

    queryset = LoyaltyAccount.objects.none()

    @extend_schema(request=RedeemInput, responses={200: RedeemOutput})
    def post(self, request):
        data = RedeemInput(data=request.data)
        data.is_valid(raise_exception=True)
        client_id = _client(data.validated_data["client_id"])
        discount = loyalty.redeem(client_id=client_id, points=data.validated_data["points"],
                                  reference=data.validated_data["reference"], source="api")
        return Response(RedeemOutput({"discount": discount, "balance": loyalty.balance(client_id=client_id)}).data)


class UnsubscribeView(APIView):
    """The signed link at the foot of marketing e-mails: no more marketing messages (one click)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={200: OpenApiResponse(OpenApiTypes.STR, description="a confirmation page")})
    def get(self, request, token):
        try:
            notifications.unsubscribe(token=token)
        except notifications.BadUnsubscribeLink as exc:
            raise InvalidInput(_("This unsubscribe link is not valid."), field="token") from exc
        return HttpResponse("<!doctype html><html lang=\"fr\"><body><p>Vous ne recevrez plus nos offres. "
                            "Les messages liés à vos commandes et factures vous seront toujours envoyés.</p></body></html>",
                            content_type="text/html; charset=utf-8")

    post = get  # RFC 8058 one-click (List-Unsubscribe-Post)
