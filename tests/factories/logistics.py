"""Logistics data built through the services where users make it (a paid order's shipment, a
collection), and carriers with their rate tables."""
from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

from contexts.logistics.models import Carrier, Rate
from contexts.logistics.services import shipments
from tests.factories import inventory as inv
from tests.factories.core import PersonClientFactory

_seq = itertools.count(1)
WEBHOOK_SECRET = "whsec-carrier-tests"


def carrier(api_base: str = "http://127.0.0.1:9", code: str | None = None, **kwargs) -> Carrier:
    c = Carrier.objects.create(code=code or f"sendcloud-{next(_seq)}", name="Colis Express", api_base=api_base,
                               api_key="pk", api_secret="sk", webhook_secret=WEBHOOK_SECRET, **kwargs)
    for zone, bands in {"fr": ((1000, "4.95"), (5000, "7.90"), (30000, "14.50")), "eu": ((1000, "9.90"), (5000, "15.00")),
                        "world": ((2000, "24.00"),)}.items():
        for max_weight, price in bands:
            Rate.objects.create(carrier=c, service="standard", zone=zone, max_weight_grams=max_weight, price=Decimal(price))
    return c


def client(**kwargs):
    values = {"first_name": "Léa", "last_name": "Martin", "address_line": "8 rue des Lilas", "postal_code": "69003",
              "city": "Lyon", "email": f"lea-{next(_seq)}@exemple.fr", **kwargs}
    return PersonClientFactory(**values)


def paid_order_shipment(*, units: int = 1, stock: int = 10, loc=None, order_id=None, the_client=None):
    """A paid order's shipment (as the order.paid subscriber makes it): one variant stocked in a warehouse."""
    loc = loc or inv.location("warehouse", serves_web=True)
    variant_id, _, _ = inv.stocked(stock, loc=loc)
    the_client = the_client or client()
    made = shipments.create_for_order(order_id=order_id or uuid.uuid4(), client_id=the_client.id,
                                      lines=[{"variant_id": variant_id, "quantity": units, "label": "Écharpe en laine"}])
    return made[0]


def packed(shipment, weight_grams: int = 800):
    shipments.pick(shipment_id=shipment.id)
    return shipments.pack(shipment_id=shipment.id, parcels=[{"weight_grams": weight_grams, "length_cm": 30, "width_cm": 20,
                                                             "height_cm": 10}])
