from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from contexts.core import selectors, services
from contexts.core.rest.serializers import ClientInput, ClientOutput
from crm.rest.parsers import validated


class ClientViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ClientOutput
    filterset_fields = ["kind", "city", "postal_code"]
    ordering_fields = ["created_at", "last_name", "company_name"]

    def get_queryset(self):
        return selectors.client_list()

    @extend_schema(request=ClientInput, responses={201: ClientOutput})
    def create(self, request):
        client = services.client_create(**validated(ClientInput, request.data))
        return Response(ClientOutput(client).data, status=status.HTTP_201_CREATED)
