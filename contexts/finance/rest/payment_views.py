"""Finance API: payments, refunds, schedules, dunning."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.finance import selectors
from contexts.finance.models import Installment, Invoice, Payment, Reminder
from contexts.finance.services import dunning, payments, schedules
from crm.rest.schema import results_of
from crm.rest.parsers import validated


class AllocationOutput(serializers.Serializer):
    invoice_id = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class PaymentOutput(serializers.ModelSerializer):
    allocations = AllocationOutput(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "client_id", "order_id", "method", "status", "amount", "refunded_amount", "currency",
                  "reference", "failure_reason", "received_at", "created_at", "allocations"]


class PendingCardPaymentOutput(PaymentOutput):
    """A card payment waiting for the customer (3-D Secure) or the bank (processing)."""

    intent_status = serializers.CharField(help_text="Stripe's: requires_action, processing...")
    client_secret = serializers.CharField(help_text="for Stripe.js to finish the authentication")
    next_action = serializers.DictField(allow_null=True)

    class Meta(PaymentOutput.Meta):
        fields = PaymentOutput.Meta.fields + ["intent_status", "client_secret", "next_action"]


class ManualPaymentInput(serializers.Serializer):
    client_id = serializers.UUIDField()
    method = serializers.ChoiceField(choices=["transfer", "cheque", "cash"])
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    invoice_ids = serializers.ListField(child=serializers.UUIDField(), required=False, allow_empty=True)


class CardPaymentInput(serializers.Serializer):
    client_id = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    payment_method = serializers.CharField(max_length=100)
    invoice_ids = serializers.ListField(child=serializers.UUIDField(), required=False, allow_empty=True)


class RefundInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PaymentOutput
    queryset = selectors.payment_list()
    filterset_fields = ["client_id", "method", "status", "order_id"]

    @extend_schema(request=ManualPaymentInput, responses={201: PaymentOutput})
    def create(self, request):
        p = payments.record_payment(**validated(ManualPaymentInput, request.data))
        return Response(PaymentOutput(self.get_queryset().get(pk=p.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CardPaymentInput, responses={201: PaymentOutput, 202: PendingCardPaymentOutput},
                   parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)])
    @action(detail=False, methods=["post"])
    def card(self, request):
        data = validated(CardPaymentInput, request.data)
        outcome = payments.pay_by_card(idempotency_key=request.headers.get("Idempotency-Key", ""), **data)
        body = PaymentOutput(self.get_queryset().get(pk=outcome.payment.pk)).data
        if outcome.payment.status == "pending":  # 3-D Secure or processing: the client finishes it
            body.update(intent_status=outcome.intent_status, client_secret=outcome.client_secret,
                        next_action=outcome.next_action)
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=RefundInput, responses={201: PaymentOutput})
    @action(detail=True, methods=["post"])
    def refunds(self, request, pk=None):
        payments.refund_payment(payment_id=pk, **validated(RefundInput, request.data))
        return Response(PaymentOutput(self.get_queryset().get(pk=pk)).data, status=status.HTTP_201_CREATED)


class InstallmentOutput(serializers.ModelSerializer):
    class Meta:
        model = Installment
        fields = ["position", "due_date", "amount"]


class ScheduleInput(serializers.Serializer):
    installments = serializers.IntegerField(min_value=2, max_value=24)
    first_due = serializers.DateField(required=False)
    every_months = serializers.IntegerField(min_value=1, max_value=12, default=1)


INSTALLMENTS = results_of("Installments", InstallmentOutput)


class ScheduleView(APIView):
    queryset = Invoice.objects.none()

    @extend_schema(responses={200: INSTALLMENTS})
    def get(self, request, invoice_id):
        rows = selectors.installments_of(invoice_id=invoice_id)
        return Response({"results": InstallmentOutput(rows, many=True).data})

    @extend_schema(request=ScheduleInput, responses={201: INSTALLMENTS})
    def post(self, request, invoice_id):
        schedule = schedules.schedule_create(invoice_id=invoice_id, **validated(ScheduleInput, request.data))
        return Response({"results": InstallmentOutput(schedule.installments.all(), many=True).data}, status=status.HTTP_201_CREATED)


class ReminderOutput(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["level", "kind", "sent_to", "subject", "amount_due", "sent_at", "dispatch_id", "dispatch_status",
                  "dispatch_proof", "dispatch_cost"]


class HoldInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=["dispute", "promise"])
    until = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HoldOutput(serializers.Serializer):
    hold = serializers.CharField(help_text="why dunning is paused (dispute, promise)")
    until = serializers.DateField(allow_null=True)
    level = serializers.IntegerField(help_text="the last reminder level sent")


class DunningView(APIView):
    """The invoice's reminders (history); POST pauses dunning (dispute, promise), DELETE resumes it."""

    queryset = Reminder.objects.none()

    @extend_schema(responses={200: results_of("Reminders", ReminderOutput)})
    def get(self, request, invoice_id):
        return Response({"results": ReminderOutput(selectors.reminders_of(invoice_id=invoice_id), many=True).data})

    @extend_schema(request=HoldInput, responses={200: HoldOutput})
    def post(self, request, invoice_id):
        state = dunning.hold(invoice_id=invoice_id, **validated(HoldInput, request.data))
        return Response({"hold": state.hold, "until": state.hold_until, "level": state.level})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, invoice_id):
        dunning.lift(invoice_id=invoice_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
