"""Core commands: validate, write, publish."""
from __future__ import annotations


from contexts.core.events import ClientCreated
from contexts.core.data import CustomerSummary
from contexts.core.models import Client, Customer
from crm import eventbus
from crm.transactions import joined


def client_create(*, kind: str, first_name: str = "", last_name: str = "", company_name: str = "",
                  email: str = "", phone: str = "", city: str = "", postal_code: str = "", siren: str = "") -> Client:
    client = Client(kind=kind, first_name=first_name, last_name=last_name, company_name=company_name,
                    email=email, phone=phone, city=city, postal_code=postal_code, siren=siren)
    client.full_clean()
    with joined():
        client.save()
        eventbus.publish(ClientCreated(client_id=client.id))
    return client


def client_for_customer(*, customer_id) -> CustomerSummary:
    """The CRM client behind an online-shop customer, created on first need."""
    with joined():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        if customer.client_id is None:
            customer.client = client_create(kind="person", first_name=customer.first_name,
                                            last_name=customer.last_name or customer.email.split("@")[0],
                                            email=customer.email, phone=customer.phone)
            customer.save(update_fields=["client"])
    return CustomerSummary(id=customer.id, email=customer.email, client_id=customer.client_id)


CLIENT_SYNC_FIELDS = ("first_name", "last_name", "company_name", "email", "phone", "address_line", "city",
                      "postal_code", "country")


def client_update(*, client_id, **values) -> bool:
    """Updates a client's identity and address fields (an import keeping them in line with
    another system); True when something changed. Validated like a new client."""
    unknown = set(values) - set(CLIENT_SYNC_FIELDS)
    if unknown:
        raise ValueError(f"not client fields: {sorted(unknown)}")
    with joined():
        client = Client.objects.select_for_update().get(pk=client_id)
        changed = [k for k, v in values.items() if getattr(client, k) != v]
        if not changed:
            return False
        for key in changed:
            setattr(client, key, values[key])
        client.full_clean()
        client.save(update_fields=[*changed, "updated_at"])
    return True
