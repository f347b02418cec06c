from decimal import Decimal as D

import pytest

from contexts.finance.services.totals import compute, line_net
from crm.money import cents


def test_line_net_rounds_half_up_to_the_cent():
    assert line_net(D("3"), D("0.335")) == D("1.01")  # 1.005 -> 1.01
    assert line_net(D("2"), D("29.1667")) == D("58.33")


def test_vat_is_computed_per_rate_not_per_line():
    # Three lines of 0.04 at 5.5 %: per line 0.0022 -> 0.00 each; per rate 0.12 x 5.5 % = 0.0066 -> 0.01.
    totals = compute([(D("0.04"), D("5.5"))] * 3)
    assert [(v.rate, v.base, v.amount) for v in totals.vat_lines] == [(D("5.50"), D("0.12"), D("0.01"))]
    assert (totals.net, totals.vat, totals.gross) == (D("0.12"), D("0.01"), D("0.13"))


def test_several_rates_sorted_and_summed():
    totals = compute([(D("58.33"), D("20")), (D("23.70"), D("5.5")), (D("10.00"), D("20"))])
    assert [(v.rate, v.base, v.amount) for v in totals.vat_lines] == [
        (D("20.00"), D("68.33"), D("13.67")), (D("5.50"), D("23.70"), D("1.30")),
    ]
    assert totals.gross == totals.net + totals.vat == D("107.00")


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        cents(0.1)
