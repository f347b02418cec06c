"""Creating a client publishes core.client.created.v1, whatever the way in (issue 9, item 12)."""
import pytest
from django.db import transaction

from contexts.core import api as core_api
from crm.models import OutboxEvent


def _created(client_id) -> list[OutboxEvent]:
    return [e for e in OutboxEvent.objects.filter(name="core.client.created.v1") if e.payload["client_id"] == str(client_id)]


def test_the_staff_api_publishes_client_created(staff_api):
    response = staff_api.post("/api/v1/clients/", {"kind": "person", "first_name": "Inès", "last_name": "Martin"}, format="json")
    assert response.status_code == 201, response.content
    assert len(_created(response.json()["id"])) == 1


def test_another_context_creating_a_client_publishes_it(tenant):
    with transaction.atomic():
        client_id = core_api.create_client(kind="company", company_name="Boulangerie Paul")
    assert len(_created(client_id)) == 1


def test_a_shop_customer_s_first_order_creates_the_client_and_publishes_it(tenant):
    from contexts.core.models import Customer

    customer = Customer.objects.create(email="ines@example.fr", password="!", first_name="Inès")
    summary = core_api.client_for_customer(customer_id=customer.id)
    again = core_api.client_for_customer(customer_id=customer.id)
    assert again.client_id == summary.client_id
    assert len(_created(summary.client_id)) == 1


def test_an_invalid_client_publishes_nothing(tenant):
    from django.core.exceptions import ValidationError

    before = OutboxEvent.objects.filter(name="core.client.created.v1").count()
    with pytest.raises(ValidationError):
        core_api.create_client(kind="alien")
    assert OutboxEvent.objects.filter(name="core.client.created.v1").count() == before
