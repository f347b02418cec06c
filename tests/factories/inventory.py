import itertools
import uuid

from contexts.inventory.services import stock
from contexts.inventory.models import Location

_seq = itertools.count(1)


def location(kind="shop", serves_web=False, code=None) -> Location:
    n = next(_seq)
    return stock.location_create(code=code or f"{kind}-{n}", name=f"{kind.title()} {n}", kind=kind, serves_web=serves_web)


def stocked(quantity=10, *, loc=None, variant_id=None, product_id=None, reorder_point=0):
    """(variant id, product id, location) with `quantity` units received."""
    loc = loc or location(serves_web=True)
    variant_id, product_id = variant_id or uuid.uuid4(), product_id or uuid.uuid4()
    stock.receive(variant_id=variant_id, product_id=product_id, location_id=loc.id, quantity=quantity, reference="po:1")
    if reorder_point:
        stock.set_reorder_point(variant_id=variant_id, location_id=loc.id, reorder_point=reorder_point)
    return variant_id, product_id, loc
