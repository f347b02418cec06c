import uuid

from contexts.core.models import Customer
from tests.factories import catalog as cat
from tests.factories import inventory as inv


def customer(email=None) -> Customer:
    c = Customer(email=email or f"client-{uuid.uuid4().hex[:8]}@exemple.fr", first_name="Léa", last_name="Martin")
    c.set_password("Une-phrase-longue-2026")
    c.save()
    return c


def stocked_variant(units=10, price="25.00", name="Écharpe en laine"):
    """A catalog variant with `units` in a web-serving warehouse."""
    variant = cat.variant(name=name, price=price)
    inv.stocked(units, loc=inv.location("warehouse", serves_web=True), variant_id=variant.id, product_id=variant.product_id)
    return variant


def customer_token(c: Customer) -> str:
    from crm.rest import authentication as auth

    return str(auth.customer_tokens(c).access_token)
