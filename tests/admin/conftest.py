"""The back office as staff use it: a logged-in browser on tenant alpha's host, and the data a
change page would post back (its form and inline formsets, as rendered)."""
from __future__ import annotations

import datetime

import pytest
from django.forms.widgets import SplitDateTimeWidget
from django.test import Client as HttpClient


@pytest.fixture
def admin_browser(tenant):
    from tests.factories.core import StaffFactory

    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(is_superuser=True, role="owner"))
    return browser


def _field_values(form, data: dict) -> None:
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget, SplitDateTimeWidget):
            if isinstance(value, datetime.datetime):
                data[key + "_0"], data[key + "_1"] = value.date().isoformat(), value.time().isoformat()
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[key] = [str(v) for v in value]
            continue
        data[key] = str(value)


def change_form_data(response) -> dict:
    """What the change page would submit unchanged: edit the dict, then post it."""
    ctx = response.context
    data: dict = {}
    _field_values(ctx["adminform"].form, data)
    for inline in ctx["inline_admin_formsets"]:
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            data[formset.management_form.add_prefix(name)] = str(formset.management_form[name].value())
        for form in formset.initial_forms:
            _field_values(form, data)
    return data
