"""Business days in France: weekends and public holidays (the `holidays` package), with the
Alsace-Moselle days (Good Friday, 26 December) as an option; payment-term rules."""
from __future__ import annotations

import calendar
import datetime
from functools import lru_cache

import holidays

from crm.rest.errors import InvalidInput
from django.utils.translation import gettext as _


@lru_cache(maxsize=64)
def _holidays(year: int, alsace_moselle: bool) -> frozenset[datetime.date]:
    days = holidays.France(years=year, subdiv="57" if alsace_moselle else None)
    return frozenset(days.keys())


def is_business_day(day: datetime.date, *, alsace_moselle: bool = False) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year, alsace_moselle)


def next_business_day(day: datetime.date, *, alsace_moselle: bool = False) -> datetime.date:
    """The day itself if it is a business day, else the next one."""
    while not is_business_day(day, alsace_moselle=alsace_moselle):
        day += datetime.timedelta(days=1)
    return day


def _end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


RULES = ("net", "end_of_month", "end_of_month_plus")


def due_date(issue_date: datetime.date, *, days: int, rule: str = "net", alsace_moselle: bool = False) -> datetime.date:
    """
    - "net": issue date + N days ("30 jours");
    - "end_of_month": issue date + N days, then the end of that month ("30 jours fin de mois");
    - "end_of_month_plus": the end of the issue month, then + N days ("fin de mois + 10 jours").
    The result moves to the next business day when it falls on a weekend or a holiday.
    """
    if rule not in RULES:
        raise InvalidInput(_("The rule is one of %(rules)s.") % {"rules": ', '.join(RULES)}, field="rule")
    if not 0 <= days <= 60:
        raise InvalidInput(_("Payment terms are 0 to 60 days (art. L441-10 Code de commerce)."), field="days")
    if rule == "net":
        day = issue_date + datetime.timedelta(days=days)
    elif rule == "end_of_month":
        day = _end_of_month(issue_date + datetime.timedelta(days=days))
    else:
        day = _end_of_month(issue_date) + datetime.timedelta(days=days)
    return next_business_day(day, alsace_moselle=alsace_moselle)
