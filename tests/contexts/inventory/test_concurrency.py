"""Real parallel connections: never more reserved than there is, even while reservations
expire and are released during the run."""
import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from contexts.inventory.services import reservations, stock
from contexts.inventory.models import Reservation, StockItem
from tests.concurrency import run_concurrently
from tests.factories import inventory as f

pytestmark = pytest.mark.committed


def test_fifty_concurrent_reservations_for_the_last_ten_units(committed_tenant):
    variant, _, shop = f.stocked(10)
    results = run_concurrently(
        lambda i: reservations.reserve(variant_id=variant, quantity=1, reference=f"cart:{i}", location_id=shop.id),
        50, tenant=committed_tenant)
    wins = [r for r in results if isinstance(r, Reservation)]
    losses = [r for r in results if isinstance(r, stock.InsufficientStock)]
    assert (len(wins), len(losses)) == (10, 40), [r for r in results if not isinstance(r, (Reservation, stock.InsufficientStock))]
    item = StockItem.objects.get(variant_id=variant, location=shop)
    assert (item.on_hand, item.reserved) == (10, 10)
    assert Reservation.objects.filter(status="active").aggregate(s=Sum("quantity"))["s"] == 10


def test_concurrent_reservations_while_expired_ones_are_released(committed_tenant):
    variant, _, shop = f.stocked(15)
    stale = [reservations.reserve(variant_id=variant, quantity=1, reference=f"cart:stale{i}", location_id=shop.id) for i in range(5)]
    Reservation.objects.filter(pk__in=[r.pk for r in stale]).update(expires_at=timezone.now() - datetime.timedelta(minutes=5))

    def act(i):
        if i % 10 == 0:  # five releasers among the reservers
            return reservations.release_expired(now=timezone.now())
        return reservations.reserve(variant_id=variant, quantity=1, reference=f"cart:{i}", location_id=shop.id)

    results = run_concurrently(act, 50, tenant=committed_tenant)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, stock.InsufficientStock)]
    assert not unexpected, unexpected
    wins = [r for r in results if isinstance(r, Reservation)]
    released = sum(r for r in results if isinstance(r, int))
    assert released == 5  # each stale reservation released exactly once
    item = StockItem.objects.get(variant_id=variant, location=shop)
    active = Reservation.objects.filter(status="active").aggregate(s=Sum("quantity"))["s"] or 0
    assert item.reserved == active == len(wins)
    assert 10 <= len(wins) <= 15 and item.reserved <= item.on_hand == 15


def test_concurrent_reservations_choosing_their_web_location_never_oversell(committed_tenant):
    """Without a location, each reservation picks the web location with the most free stock inside
    its UPDATE; one whose pick was taken meanwhile tries the others: all 10 units are held, no more."""
    variant, product, web_a = f.stocked(6)
    _, _, web_b = f.stocked(4, variant_id=variant, product_id=product)
    f.stocked(50, variant_id=variant, product_id=product, loc=f.location(serves_web=False))  # not sold online
    results = run_concurrently(
        lambda i: reservations.reserve(variant_id=variant, quantity=1, reference=f"cart:{i}"), 40, tenant=committed_tenant)
    wins = [r for r in results if isinstance(r, Reservation)]
    losses = [r for r in results if isinstance(r, stock.InsufficientStock)]
    assert (len(wins), len(losses)) == (10, 30), [r for r in results if not isinstance(r, (Reservation, stock.InsufficientStock))]
    for loc, units in ((web_a, 6), (web_b, 4)):
        item = StockItem.objects.get(variant_id=variant, location=loc)
        assert (item.on_hand, item.reserved) == (units, units)
        assert sum(r.quantity for r in wins if r.location_id == loc.id) == units


def test_concurrent_holds_growing_at_one_location_never_oversell(committed_tenant):
    """Eight carts hold 1 unit each of 10; each adds 1 more at once: exactly 2 holds grow, the
    others are told no (False) with nothing changed."""
    variant, _, shop = f.stocked(10)
    for i in range(8):
        reservations.reserve(variant_id=variant, quantity=1, reference=f"cart:{i}", owner=f"cart:{i}")
    results = run_concurrently(
        lambda i: reservations.grow_held(owner=f"cart:{i}", variant_id=variant, by=1), 8, tenant=committed_tenant)
    assert sorted(results) == [False] * 6 + [True] * 2, results
    item = StockItem.objects.get(variant_id=variant, location=shop)
    assert (item.on_hand, item.reserved) == (10, 10)
    held = dict(Reservation.objects.filter(status="active").values_list("owner", "quantity"))
    assert sorted(held.values()) == [1] * 6 + [2] * 2
