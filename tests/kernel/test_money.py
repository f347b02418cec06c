"""crm.money.net_of: the one VAT-included -> excl. VAT conversion, rounded half up."""
from decimal import Decimal as D

import pytest

from crm.money import PRICE_PLACES, net_of


@pytest.mark.parametrize("gross, rate, net", [
    ("120.00", "20", "100.00"),
    ("4.90", "20", "4.08"),      # 4.0833 -> 4.08
    ("10.00", "5.5", "9.48"),    # 9.4786 -> 9.48
    ("0.03", "20", "0.03"),      # 0.025 -> 0.03: half up, never half even
    ("100.00", "0", "100.00"),
])
def test_amounts_round_half_up_to_the_cent(gross, rate, net):
    assert net_of(D(gross), D(rate)) == D(net)


def test_a_unit_price_keeps_four_decimals_of_the_line_total():
    assert net_of(D("65.00"), D("20"), quantity=1, places=PRICE_PLACES) == D("54.1667")
    assert net_of(D("10.00"), D("20"), quantity=3, places=PRICE_PLACES) == D("2.7778")  # 2.77777...


def test_net_and_vat_add_up_to_the_gross_and_floats_are_refused():
    gross = D("19.99")
    net = net_of(gross, D("20"))
    assert net + (gross - net) == gross and net == D("16.66")
    with pytest.raises(TypeError):
        net_of(19.99, D("20"))
