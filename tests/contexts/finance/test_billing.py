"""The tenants' own subscription: plans, monthly charges through Stripe, limits."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from contexts.finance.billing import services
from contexts.finance.billing.models import Subscription
from tests.contexts.finance.test_payments import declining_card
from tests.factories import inventory as inv
from tests.factories.core import StaffFactory

pytestmark = pytest.mark.dates


def _subscribe(plan="essentiel", pm="pm_card_visa"):
    return services.subscribe(schema_name="alpha", plan_code=plan, email="gerant@alpha.fr", payment_method=pm)


def test_subscribing_charges_the_first_month_and_beat_charges_the_next(tenant, stripe_api):
    sub = _subscribe()
    today = timezone.localdate()
    assert sub.status == "active" and sub.stripe_customer.startswith("cus_")
    with schema_context("public"):
        first = sub.charges.get()
        assert (first.amount, first.status) == (D("29.00"), "succeeded")
        assert services.charge_due(today=today) == 0  # paid until next month
        assert services.charge_due(today=sub.current_period_end) == 1
        assert services.charge_due(today=sub.current_period_end) == 0  # each period once
        assert Subscription.objects.get(pk=sub.pk).charges.count() == 2


def test_a_declined_renewal_makes_the_subscription_past_due(tenant, stripe_api):
    sub = _subscribe()
    with schema_context("public"):
        Subscription.objects.filter(pk=sub.pk).update(stripe_payment_method=declining_card(stripe_api))
        sub.refresh_from_db()
        services.charge_due(today=sub.current_period_end)
        sub.refresh_from_db()
        assert sub.status == "past_due" and sub.charges.filter(status="failed").exists()


def test_plan_limits_are_enforced(tenant, stripe_api):
    _subscribe("essentiel")  # 1 location, 3 users
    inv.location()
    with pytest.raises(services.PlanLimitReached) as err:
        inv.location()
    assert err.value.field == "locations"
    from contexts.core.accounts.models import User

    for _ in range(3 - User.objects.filter(is_active=True).count()):  # the owner made at provisioning counts
        StaffFactory()
    with pytest.raises(services.PlanLimitReached) as err:
        StaffFactory()
    assert err.value.field == "users"
    StaffFactory(is_active=False)  # an inactive account takes no seat


def test_a_plan_raised_by_the_platform_admin_lifts_the_limit_of_its_subscribers(tenant, stripe_api):
    from contexts.finance.billing.models import Plan

    _subscribe("essentiel")  # 1 location
    inv.location()
    with schema_context("public"):
        plan = Plan.objects.get(code="essentiel")
        plan.max_locations = 2
        plan.save()
        services.plan_changed(plan)
    inv.location()
    with pytest.raises(services.PlanLimitReached):
        inv.location()


def test_no_subscription_means_no_limit(tenant):
    for _ in range(4):
        inv.location()


def test_the_admin_shows_a_plan_limit_as_a_402_page_not_a_500(tenant, stripe_api):
    from django.test import Client as HttpClient

    _subscribe("essentiel")
    inv.location()
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(_owner())  # the owner made at provisioning
    response = browser.post("/admin/inventory/location/add/", {"code": "metz", "name": "Metz", "kind": "shop"})
    assert response.status_code == 402 and "permet 1 locations" in response.content.decode()


def _owner():
    from contexts.core.accounts.models import User

    return User.objects.get(username="admin")
