"""Carts: the database is the truth. Adding an item reserves its stock for a while through
inventory's api; totals come from one function (catalog prices and promotions, VAT per rate,
shipping fee)."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from contexts.catalog import api as catalog_api
from contexts.commercial.models import Cart, CartItem, CartStatus
from contexts.commercial.services import holds
from crm.money import net_of
from crm.rest.errors import InvalidInput, NotFound
from django.utils.translation import gettext as _
from crm.transactions import joined

FREE_SHIPPING_FROM = Decimal("60.00")
SHIPPING_FEE = Decimal("4.90")
SHIPPING_VAT = Decimal("20.00")


@dataclass(frozen=True)
class Line:
    variant_id: uuid.UUID
    label: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    total: Decimal
    vat_rate: Decimal
    promotions: tuple[str, ...] = field(default_factory=tuple)
    is_active: bool = True


@dataclass(frozen=True)
class Totals:
    lines: tuple[Line, ...]
    subtotal: Decimal
    shipping_fee: Decimal
    total: Decimal
    vat: dict  # rate -> {"base": net, "vat": amount}, VAT included prices split per rate


def totals(cart: Cart, *, items: list[CartItem] | None = None) -> Totals:
    """The one totals function: a fixed number of queries whatever the number of lines.
    `items`: the cart's items when the caller just read them in the same command."""
    items = list(cart.items.all()) if items is None else items
    if not items:
        return Totals((), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), {})
    priced = catalog_api.prices(lines=[(i.variant_id, i.quantity) for i in items], channel="web",
                                coupon=cart.coupon or None)
    lines = tuple(Line(variant_id=p.variant_id, label=p.name, quantity=p.quantity, unit_price=p.unit_price,
                       discount=p.discount, total=p.total, vat_rate=p.vat_rate, promotions=tuple(x.name for x in p.promotions),
                       is_active=p.is_active)
                  for p in priced)
    subtotal = sum((l.total for l in lines), Decimal("0.00"))
    shipping = Decimal("0.00") if subtotal >= FREE_SHIPPING_FROM else SHIPPING_FEE
    return Totals(lines, subtotal, shipping, subtotal + shipping, vat_breakdown(lines, shipping))


def vat_breakdown(lines, shipping: Decimal) -> dict:
    """VAT-included line totals (and the shipping fee) split per rate: {rate: {base, vat}}."""
    by_rate: dict[Decimal, Decimal] = {}
    for l in lines:
        by_rate[l.vat_rate] = by_rate.get(l.vat_rate, Decimal("0")) + l.total
    if shipping:
        by_rate[SHIPPING_VAT] = by_rate.get(SHIPPING_VAT, Decimal("0")) + shipping
    vat = {}
    for rate, gross in sorted(by_rate.items(), reverse=True):
        net = net_of(gross, rate)
        vat[str(rate)] = {"base": str(net), "vat": str(gross - net)}
    return vat


def _open_cart(session_id: str, customer_id: uuid.UUID | None, *, create: bool, lock: bool = False) -> Cart | None:
    qs = Cart.objects.select_for_update() if lock else Cart.objects.all()
    cart = qs.filter(session_id=session_id, status=CartStatus.OPEN).first()
    if cart is not None and cart.customer_id and cart.customer_id != customer_id:
        raise NotFound(_("No such cart."), field="session_id")  # someone else's
    if cart is None and create:
        try:
            with transaction.atomic():
                cart = Cart.objects.create(session_id=session_id, customer_id=customer_id)
        except IntegrityError:
            cart = qs.get(session_id=session_id, status=CartStatus.OPEN)
    if cart is not None and customer_id and cart.customer_id is None:
        _attach(cart, customer_id)
    return cart


def _attach(cart: Cart, customer_id: uuid.UUID) -> None:
    """At login: the anonymous cart becomes the customer's, merged with their other open cart."""
    with joined():
        for other in Cart.objects.select_for_update().filter(customer_id=customer_id, status=CartStatus.OPEN).exclude(pk=cart.pk):
            holds.release(cart_id=other.id)
            for item in other.items.all():
                _set_quantity(cart, item.variant_id, item.quantity + _quantity(cart, item.variant_id))
            other.status = CartStatus.ABANDONED
            other.save(update_fields=["status"])
        cart.customer_id = customer_id
        cart.save(update_fields=["customer_id", "updated_at"])


def _quantity(cart: Cart, variant_id) -> int:
    return cart.items.filter(variant_id=variant_id).values_list("quantity", flat=True).first() or 0


def _set_quantity(cart: Cart, variant_id: uuid.UUID, quantity: int) -> None:
    """Holds exactly `quantity` units of the variant for this cart (a new reservation replaces
    the old one: inventory never holds more than is there)."""
    with joined():
        holds.hold(cart_id=cart.id, variant_id=variant_id, quantity=quantity)
        if quantity <= 0:
            CartItem.objects.filter(cart=cart, variant_id=variant_id).delete()
            return
        # The cart's row is locked by the caller: no one else writes its items meanwhile, so an
        # update then an insert needs none of update_or_create's two savepoints.
        if not CartItem.objects.filter(cart=cart, variant_id=variant_id).update(quantity=quantity):
            CartItem.objects.create(cart=cart, variant_id=variant_id, quantity=quantity)


def add_item(*, session_id: str, variant_id: uuid.UUID, quantity: int, customer_id: uuid.UUID | None = None) -> Cart:
    """Adds units of a variant to the session's cart (created when there is none) and holds
    them. The cart's lines are priced once, inside the command, with the new quantity: that
    checks the variant and gives the answer's totals (`cart.totals_after_add`)."""
    if quantity <= 0 or quantity > 100:
        raise InvalidInput(_("From 1 to 100 units."), field="quantity")
    with joined():
        cart = _touch_open_cart(session_id)  # locked and its updated_at bumped, one statement
        if cart is None or (cart.customer_id is None and customer_id):
            cart = _open_cart(session_id, customer_id, create=True, lock=True)
            cart.save(update_fields=["updated_at"])
        elif cart.customer_id and cart.customer_id != customer_id:
            raise NotFound(_("No such cart."), field="session_id")  # someone else's
        # The items are read once, under the cart's row lock: no one else writes them meanwhile.
        items = list(cart.items.all())
        line = next((i for i in items if i.variant_id == variant_id), None)
        new_quantity = (line.quantity if line else 0) + quantity
        if line is None:
            items.append(CartItem(cart=cart, variant_id=variant_id, quantity=new_quantity))
        else:
            line.quantity = new_quantity
        result = _priced(cart, items, variant_id)
        if line is None:
            holds.hold(cart_id=cart.id, variant_id=variant_id, quantity=new_quantity, held=False)
            items[-1].save(force_insert=True)
        else:
            holds.grow(cart_id=cart.id, variant_id=variant_id, by=quantity, quantity=new_quantity)
            CartItem.objects.filter(pk=line.pk).update(quantity=new_quantity)
        cart.totals_after_add = result  # the answer's totals, not priced again
    return cart


def _priced(cart: Cart, items: list[CartItem], variant_id: uuid.UUID) -> Totals:
    """The cart's totals with the variant being added, which must exist and be on sale."""
    try:
        result = totals(cart, items=items)
    except InvalidInput as e:
        if e.field != "lines":  # an unknown variant; a coupon gone stale is the coupon's error
            raise
        result = None
    added = next((l for l in result.lines if l.variant_id == variant_id), None) if result else None
    if added is None or not added.is_active:
        raise InvalidInput(_("No such product variant."), field="variant_id")
    return result


def _touch_open_cart(session_id: str) -> Cart | None:
    """The session's open cart, its row locked and its `updated_at` bumped by one UPDATE ... RETURNING."""
    from django.utils import timezone

    table = Cart._meta.db_table
    columns = ", ".join(f'"{f.column}"' for f in Cart._meta.concrete_fields)
    found = list(Cart.objects.raw(f'UPDATE "{table}" SET "updated_at" = %s WHERE "session_id" = %s AND "status" = %s '
                                  f"RETURNING {columns}", [timezone.now(), session_id, CartStatus.OPEN]))
    return found[0] if found else None


def get(*, session_id: str, customer_id: uuid.UUID | None = None) -> Cart:
    cart = _open_cart(session_id, customer_id, create=False)
    if cart is None:
        raise NotFound(_("No open cart for this session."), field="session_id")
    return cart


def set_coupon(*, session_id: str, coupon: str, customer_id: uuid.UUID | None = None) -> Cart:
    cart = get(session_id=session_id, customer_id=customer_id)
    cart.coupon = coupon.strip()
    if cart.coupon and cart.items.exists():
        totals(cart)  # raises InvalidInput(field="coupon") for an unknown or expired code
    cart.save(update_fields=["coupon", "updated_at"])
    return cart


def discard(*, session_id: str, customer_id: uuid.UUID | None = None) -> None:
    with joined():
        cart = _open_cart(session_id, customer_id, create=False, lock=True)
        if cart is None:
            raise NotFound(_("No open cart for this session."), field="session_id")
        holds.release(cart_id=cart.id)
        cart.delete()


def abandon_idle(*, now: datetime.datetime, idle: datetime.timedelta = datetime.timedelta(hours=2)) -> int:
    """The beat job: carts idle since before `now - idle` give their stock back and are
    announced once (`commercial.cart.abandoned.v1`): engagement sends the recovery e-mail."""
    from contexts.commercial.events import CartAbandoned
    from contexts.core import api as core_api
    from crm import eventbus

    n = 0
    for cart in Cart.objects.filter(status=CartStatus.OPEN, updated_at__lt=now - idle, recovery_sent_at__isnull=True):
        with joined():
            holds.release(cart_id=cart.id)
            cart.recovery_sent_at = now
            cart.save(update_fields=["recovery_sent_at"])
            client_id = core_api.client_for_customer(customer_id=cart.customer_id).client_id if cart.customer_id else None
            eventbus.publish(CartAbandoned(cart_id=cart.id, customer_id=cart.customer_id, client_id=client_id,
                                           lines=[{"variant_id": str(i.variant_id), "quantity": i.quantity}
                                                  for i in cart.items.all()]))
        n += 1
    return n
