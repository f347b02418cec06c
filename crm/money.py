"""Money is Decimal with an explicit rounding rule; never float.

Amounts are rounded to the cent with ROUND_HALF_UP (the usual French commercial rounding);
unit prices keep 4 decimals (EN 16931 allows more precision on prices than on amounts)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
PRICE_PLACES = Decimal("0.0001")


def to_decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float: pass a str or a Decimal")
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def cents(value) -> Decimal:
    """Rounds to the cent, half up."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def price(value) -> Decimal:
    return to_decimal(value).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def net_of(gross, vat_rate, *, quantity=1, places: Decimal = CENT) -> Decimal:
    """The one VAT-included -> excl. VAT conversion: `gross` (per unit when a quantity is given)
    divided by (1 + rate/100), rounded half up to `places` (CENT for amounts, PRICE_PLACES for
    the unit prices of invoice lines). The VAT is then gross - net, so the two always add up."""
    rate = to_decimal(vat_rate)
    return (to_decimal(gross) / to_decimal(quantity) / (1 + rate / 100)).quantize(places, rounding=ROUND_HALF_UP)


def spread(amount, weights) -> list[Decimal]:
    """Splits `amount` over `weights` pro rata, each share rounded half up to the cent; the
    largest weight takes the rounding difference so the shares add up to `amount` exactly
    (a discount spread over lines, hence over their VAT rates)."""
    amount, weights = cents(amount), [to_decimal(w) for w in weights]
    total = sum(weights, Decimal(0))
    if not weights or total <= 0:
        raise ValueError("nothing to spread over")
    shares = [cents(amount * w / total) for w in weights]
    largest = max(range(len(weights)), key=lambda i: weights[i])
    shares[largest] += amount - sum(shares, Decimal(0))
    return shares
