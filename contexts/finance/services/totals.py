"""Invoice totals per EN 16931.

- line net (BT-131) = quantity x net unit price, rounded to the cent;
- per VAT rate (BG-23): base (BT-116) = sum of line nets at that rate; VAT (BT-117) = base x rate,
  rounded to the cent — VAT is computed per rate, never per line;
- total net (BT-109) = sum of line nets; total VAT (BT-110) = sum of VAT per rate;
  total gross (BT-112) = net + VAT.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from crm.money import cents

ALLOWED_RATES = (Decimal("20.00"), Decimal("10.00"), Decimal("5.50"), Decimal("2.10"), Decimal("0.00"))


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_lines: tuple[VatLine, ...]


def line_net(quantity: Decimal, unit_price_net: Decimal) -> Decimal:
    return cents(Decimal(quantity) * Decimal(unit_price_net))


def compute(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """`lines`: (line_net, vat_rate) pairs."""
    bases: dict[Decimal, Decimal] = {}
    for net, rate in lines:
        rate = Decimal(rate).quantize(Decimal("0.01"))
        bases[rate] = bases.get(rate, Decimal("0.00")) + Decimal(net)
    vat_lines = tuple(
        VatLine(rate=rate, base=cents(base), amount=cents(base * rate / Decimal(100)))
        for rate, base in sorted(bases.items(), reverse=True)
    )
    net = cents(sum((v.base for v in vat_lines), Decimal("0")))
    vat = cents(sum((v.amount for v in vat_lines), Decimal("0")))
    return Totals(net=net, vat=vat, gross=net + vat, vat_lines=vat_lines)
