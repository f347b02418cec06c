"""Till objects built through pos's services, as a shop sets them up."""
import itertools
import uuid
from decimal import Decimal

from contexts.pos.services import managers, registers, sessions, tickets
from tests.factories import catalog as catalog_f
from tests.factories import inventory as inventory_f
from tests.factories.core import StaffFactory

_seq = itertools.count(1)


def shop():
    return inventory_f.location(kind="shop")


def register(loc=None, code=None):
    loc = loc or shop()
    n = next(_seq)
    return registers.create_register(name=f"Caisse {n}", code=code or f"caisse-{n}", location_id=loc.id)


def cashier(**kwargs):
    return StaffFactory(role="cashier", **kwargs)


def manager(pin=None, **kwargs):
    user = StaffFactory(role="manager", **kwargs)
    if pin:
        managers.set_manager_pin(user_id=user.pk, pin=pin)
    return user


def session(reg=None, user=None, opening_float="100.00", at=None):
    reg = reg or register()
    user = user or cashier()
    return sessions.open_session(register_id=reg.id, cashier_id=user.pk, opening_float=Decimal(opening_float), at=at)


def stocked_variant(loc, *, quantity=10, price="29.90", vat="normal", name="Écharpe en laine"):
    """A catalog variant with `quantity` units at the shop."""
    v = catalog_f.variant(price=price, vat=vat, name=name)
    if quantity:
        inventory_f.services.receive(variant_id=v.id, product_id=v.product_id, location_id=loc, quantity=quantity,
                                     reference="po:1")
    return v


def sale(sess, variants_and_qty, *, tenders=None, at=None, **kwargs):
    """Completes a sale of [(variant, quantity)] paid in cash (exact amount by default)."""
    lines = [{"variant_id": str(v.id), "quantity": q} for v, q in variants_and_qty]
    if tenders is None:
        tenders = [{"method": "cash", "amount": "100000.00"}]
    return tickets.complete_ticket(session_id=sess.id, uuid=kwargs.pop("uuid", None) or uuid.uuid4(),
                                   cashier_id=sess.cashier_id, lines=lines, tenders=tenders, at=at, **kwargs)
