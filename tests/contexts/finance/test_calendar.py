import datetime as dt

import pytest

from contexts.finance.services.calendar import due_date, is_business_day, next_business_day
from crm.rest.errors import InvalidInput


@pytest.mark.parametrize("holiday", [
    dt.date(2026, 4, 6),    # Easter Monday 2026
    dt.date(2026, 7, 14),   # 14 July (a Tuesday)
    dt.date(2026, 12, 25),  # Christmas (a Friday)
    dt.date(2027, 3, 29),   # Easter Monday 2027
    dt.date(2027, 7, 14),   # a Wednesday
    dt.date(2026, 5, 14),   # Ascension 2026
])
def test_french_holidays_are_not_business_days(holiday):
    assert not is_business_day(holiday)


def test_due_dates_skip_holidays_and_weekends():
    # 14 July 2026 is a Tuesday: due that day -> Wednesday 15.
    assert due_date(dt.date(2026, 6, 14), days=30) == dt.date(2026, 7, 15)
    # 15 August 2026 is a Saturday (and a holiday): -> Monday 17.
    assert due_date(dt.date(2026, 7, 16), days=30) == dt.date(2026, 8, 17)
    # 25 December 2026 is a Friday: -> Monday 28 (26 is a Saturday).
    assert due_date(dt.date(2026, 11, 25), days=30) == dt.date(2026, 12, 28)
    # Easter Monday 2027 is 29 March: -> Tuesday 30.
    assert due_date(dt.date(2027, 2, 27), days=30) == dt.date(2027, 3, 30)
    # 15 August 2027 is a Sunday: -> Monday 16.
    assert due_date(dt.date(2027, 7, 16), days=30) == dt.date(2027, 8, 16)


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    good_friday_2027 = dt.date(2027, 3, 26)
    assert is_business_day(good_friday_2027)
    assert not is_business_day(good_friday_2027, alsace_moselle=True)
    # Due on 25 Dec 2026 (Fri): Monday 28 either way; due on 24 Dec... 26 Dec is Saturday anyway.
    assert due_date(dt.date(2027, 2, 24), days=30, alsace_moselle=True) == dt.date(2027, 3, 30)  # Fri 26 -> Tue 30
    assert due_date(dt.date(2027, 2, 24), days=30) == dt.date(2027, 3, 26)


def test_end_of_month_rules():
    # "30 jours fin de mois" from 10 June 2026: 10 July -> 31 July 2026 (a Friday).
    assert due_date(dt.date(2026, 6, 10), days=30, rule="end_of_month") == dt.date(2026, 7, 31)
    # From 20 July 2026: 19 August -> 31 August 2026 (a Monday).
    assert due_date(dt.date(2026, 7, 20), days=30, rule="end_of_month") == dt.date(2026, 8, 31)
    # "fin de mois + 10 jours" from 5 October 2026: 31 Oct + 10 = 10 November; 11 Nov is the holiday.
    assert due_date(dt.date(2026, 10, 5), days=10, rule="end_of_month_plus") == dt.date(2026, 11, 10)
    # "fin de mois + 11 jours": 11 November 2026 (Armistice) -> 12 November.
    assert due_date(dt.date(2026, 10, 5), days=11, rule="end_of_month_plus") == dt.date(2026, 11, 12)
    # "30 jours fin de mois" landing on 31 Jan 2027 (a Sunday) -> Monday 1 February.
    assert due_date(dt.date(2026, 12, 20), days=30, rule="end_of_month") == dt.date(2027, 2, 1)


def test_next_business_day_keeps_a_business_day():
    assert next_business_day(dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)


def test_bad_rules_name_the_field():
    with pytest.raises(InvalidInput) as err:
        due_date(dt.date(2026, 1, 1), days=90)
    assert err.value.field == "days"
    with pytest.raises(InvalidInput) as err:
        due_date(dt.date(2026, 1, 1), days=30, rule="whenever")
    assert err.value.field == "rule"
