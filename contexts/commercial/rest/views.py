"""Commercial API: the shop's cart and checkout (customers, or anonymous carts), orders."""
import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.commercial.models import Order
from contexts.commercial import selectors
from contexts.commercial.services import carts, checkout, orders
from contexts.finance import api as finance_api
from crm.rest.authentication import ApiKeyAuthentication as ApiKeyAuth
from crm.rest.authentication import CustomerJWTAuthentication as CustomerJWT
from crm.rest.authentication import ShopperOrStaffJWT
from crm.rest.permissions import IsCustomer
from crm.rest.errors import NotFound
from crm.rest.pagination import Pagination
from crm.rest.schema import paginated
from crm.rest.parsers import PG_INTEGER_MAX, validated
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _



def _customer_id(request):
    """The signed-in customer (who sees only their own orders), or None for staff and anonymous."""
    return uuid.UUID(str(request.user.customer_id)) if getattr(request.user, "kind", None) == "customer" else None


class ShopView(APIView):
    """Open to anonymous shoppers; a customer token attaches the cart to the customer."""

    authentication_classes = [CustomerJWT]
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return 'Bearer realm="shop"'


class OrderLineOutput(serializers.Serializer):
    variant_id = serializers.UUIDField()
    label = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    discount = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


class CartLineOutput(OrderLineOutput):
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    promotions = serializers.ListField(child=serializers.CharField())


class CartOutput(serializers.Serializer):
    session_id = serializers.CharField()
    coupon = serializers.CharField()
    lines = CartLineOutput(many=True)
    subtotal = serializers.DecimalField(max_digits=14, decimal_places=2)
    shipping_fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat = serializers.DictField()


def _cart_body(cart):
    t = cart.__dict__.pop("totals_after_add", None) or carts.totals(cart)  # an add priced its cart already
    return CartOutput({"session_id": cart.session_id, "coupon": cart.coupon, "lines": t.lines, "subtotal": t.subtotal,
                       "shipping_fee": t.shipping_fee, "total": t.total, "vat": t.vat}).data


class AddItemInput(serializers.Serializer):
    session_id = serializers.RegexField(r"^[A-Za-z0-9_-]{8,64}$")
    variant_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)


class CartItemsView(ShopView):
    @extend_schema(request=AddItemInput, responses={201: CartOutput})
    def post(self, request):
        data = validated(AddItemInput, request.data)
        with transaction.atomic(durable=True):  # the command's one transaction; services join it
            cart = carts.add_item(customer_id=_customer_id(request), **data)
        return Response(_cart_body(cart), status=status.HTTP_201_CREATED)


class CouponInput(serializers.Serializer):
    coupon = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class CartView(ShopView):
    @extend_schema(responses={200: CartOutput})
    def get(self, request, session_id):
        return Response(_cart_body(carts.get(session_id=session_id, customer_id=_customer_id(request))))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, session_id):
        carts.discard(session_id=session_id, customer_id=_customer_id(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartCalculateView(ShopView):
    @extend_schema(request=CouponInput, responses={200: CartOutput})
    def put(self, request, session_id):
        data = validated(CouponInput, request.data)
        cart = carts.set_coupon(session_id=session_id, coupon=data["coupon"], customer_id=_customer_id(request))
        return Response(_cart_body(cart))


class HistoryOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class OrderOutput(serializers.ModelSerializer):
    lines = OrderLineOutput(many=True, read_only=True)
    history = HistoryOutput(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "status", "customer_id", "client_id", "subtotal", "shipping_fee", "total", "vat_breakdown",
                  "coupon", "loyalty_points", "loyalty_discount", "payment_id", "invoice_number", "created_at", "lines", "history"]


class CheckoutInput(serializers.Serializer):
    session_id = serializers.CharField(max_length=64)
    payment_method = serializers.CharField(max_length=100)
    loyalty_points = serializers.IntegerField(min_value=1, max_value=PG_INTEGER_MAX, required=False, default=0,
                                              help_text="loyalty points spent as a discount (at most the balance)")


class CheckoutPaymentOutput(serializers.Serializer):
    """Where the card payment stands. While `status` is pending (`intent_status`
    requires_action: 3-D Secure), the client finishes it with Stripe.js and `client_secret`."""

    id = serializers.UUIDField()
    status = serializers.CharField(help_text="pending, succeeded or failed")
    intent_status = serializers.CharField(help_text="Stripe's: succeeded, requires_action, processing...")
    client_secret = serializers.CharField(allow_blank=True)
    next_action = serializers.DictField(allow_null=True)


class CheckoutOutput(OrderOutput):
    payment = serializers.SerializerMethodField()

    class Meta(OrderOutput.Meta):
        fields = OrderOutput.Meta.fields + ["payment"]

    @extend_schema_field(CheckoutPaymentOutput(allow_null=True))
    def get_payment(self, order):
        p = getattr(order, "card_payment", None)
        if p is None:
            return None
        return {"id": p.id, "status": p.status, "intent_status": p.intent_status, "client_secret": p.client_secret,
                "next_action": p.next_action}


class CheckoutView(APIView):
    """Places the order and charges the card. 201: paid (or cancelled, on a retry after a
    decline); 202: placed, the payment needs the customer (3-D Secure) or is processing: the
    order is paid when it completes (webhook), or cancelled after PAYMENT_ACTION_TIMEOUT_SECONDS."""

    authentication_classes = [CustomerJWT]
    permission_classes = [IsCustomer]

    @extend_schema(request=CheckoutInput, responses={201: CheckoutOutput, 202: CheckoutOutput},
                   parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)])
    def post(self, request):
        data = validated(CheckoutInput, request.data)
        placed = checkout.checkout(customer_id=_customer_id(request), idempotency_key=request.headers.get("Idempotency-Key", ""),
                                   **data)
        order = selectors.order_detail(order_id=placed.pk)
        order.card_payment = getattr(placed, "card_payment", None)
        code = status.HTTP_202_ACCEPTED if order.status == "placed" else status.HTTP_201_CREATED
        return Response(CheckoutOutput(order).data, status=code)


class StaffOrOwnCustomerView(APIView):
    """Staff with the view permission on orders, or a customer (the view limits them to their own)."""

    authentication_classes = [ShopperOrStaffJWT, ApiKeyAuth]
    queryset = Order.objects.none()

    def get_permissions(self):
        return [AllowAny()] if getattr(self.request.user, "kind", None) == "customer" else super().get_permissions()


class OrderDetailView(StaffOrOwnCustomerView):

    @extend_schema(responses={200: OrderOutput})
    def get(self, request, order_id):
        return Response(OrderOutput(selectors.order_detail(order_id=order_id, customer_id=_customer_id(request))).data)


class OrderInvoiceView(StaffOrOwnCustomerView):
    """The invoice of a paid order as PDF (PDF/A-3 with Factur-X): the customer's own, or staff.
    409 `document_not_ready` (Retry-After) during the seconds the worker takes to issue and render it."""

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="PDF/A-3 with Factur-X XML")})
    def get(self, request, order_id):
        order = selectors.order_detail(order_id=order_id, customer_id=_customer_id(request))
        pdf = finance_api.order_invoice_pdf(order_id=order.id)
        if pdf is None and (order.status in ("placed", "cancelled") or order.invoice_number):
            raise NotFound(_("This order has no invoice (yet): it is issued when the order is paid."), field="order_id")
        if pdf is None or pdf.content is None:  # paid, the worker issues then renders its invoice after commit
            response = Response({"error": {"code": "document_not_ready", "message": _("The invoice is being rendered; retry in a few seconds.")}},
                                status=status.HTTP_409_CONFLICT)
            response["Retry-After"] = "5"
            return response
        response = HttpResponse(pdf.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf.number}.pdf"'
        return response


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["preparing", "shipped", "delivered", "cancelled", "returned"])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OrderStatusView(APIView):
    queryset = Order.objects.none()

    @extend_schema(request=StatusInput, responses={200: OrderOutput})
    def put(self, request, order_id):
        orders.set_status(order_id=order_id, **validated(StatusInput, request.data))
        return Response(OrderOutput(selectors.order_detail(order_id=order_id)).data)


class CustomerOrdersView(StaffOrOwnCustomerView):
    @extend_schema(responses={200: paginated("PaginatedOrderList", OrderOutput)})
    def get(self, request, customer_id):
        if _customer_id(request) not in (None, customer_id):  # another customer's orders
            raise Http404
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.order_list(customer_id=customer_id), request, view=self)
        return paginator.get_paginated_response(OrderOutput(page, many=True).data)


class ReturnLineInput(serializers.Serializer):
    variant_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=PG_INTEGER_MAX)


class ReturnInput(serializers.Serializer):
    lines = ReturnLineInput(many=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OrderReturnView(APIView):
    """Staff: record a return (stock back, credit note, card refund)."""

    queryset = Order.objects.none()

    @extend_schema(request=ReturnInput, responses={201: OrderOutput})
    def post(self, request, order_id):
        data = validated(ReturnInput, request.data)
        lines = [{"variant_id": str(l["variant_id"]), "quantity": l["quantity"]} for l in data["lines"]]
        orders.order_return(order_id=order_id, lines=lines, reason=data["reason"])
        return Response(OrderOutput(selectors.order_detail(order_id=order_id)).data, status=status.HTTP_201_CREATED)
