"""Platform billing: subscribe an organisation to a plan, charge it monthly through Stripe,
enforce the plan's limits. Runs in the public schema."""
from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.core import api as core_api
from contexts.finance.billing.models import Plan, Subscription, SubscriptionCharge, SubscriptionStatus
from contexts.finance.gateways import stripe_gateway
from contexts.finance.services.payments import gateway_errors
from crm import tenancy
from crm.rest.errors import InvalidInput
from django.utils.translation import gettext as _

PlanLimitReached = core_api.PlanLimitReached  # the limits are enforced by core, beside the tenant


def subscribe(*, schema_name: str, plan_code: str, email: str, payment_method: str) -> Subscription:
    with tenancy.in_public():
        plan = Plan.objects.filter(code=plan_code, is_active=True).first()
        if plan is None:
            raise InvalidInput(_("No such plan."), field="plan_code")
        if Subscription.objects.filter(schema_name=schema_name).exists():
            raise InvalidInput(_("This organisation is already subscribed; change its plan instead."), field="schema_name")
        with gateway_errors():  # an unknown card: 400 naming payment_method; Stripe down: 503
            customer = stripe_gateway.create_customer(email=email, name=schema_name, payment_method=payment_method)
        sub = Subscription.objects.create(schema_name=schema_name, plan=plan, stripe_customer=customer,
                                          stripe_payment_method=payment_method,
                                          current_period_end=timezone.localdate())
        sync_entitlements(sub)
        with gateway_errors():
            _charge(sub, today=timezone.localdate())
        sub.refresh_from_db()
        return sub


def _charge(sub: Subscription, *, today: datetime.date) -> SubscriptionCharge | None:
    period = sub.current_period_end.strftime("%Y-%m")
    try:
        with transaction.atomic():
            charge = SubscriptionCharge.objects.create(subscription=sub, period=period, amount=sub.plan.monthly_price, status="pending")
    except IntegrityError:
        return None  # this period was charged (or is being charged) already
    result = stripe_gateway.charge(amount=sub.plan.monthly_price, currency="EUR", payment_method=sub.stripe_payment_method,
                                   customer=sub.stripe_customer, idempotency_key=f"subscription:{sub.pk}:{period}",
                                   metadata={"platform": "subscription", "schema": sub.schema_name, "period": period})
    with transaction.atomic():
        charge.status = "succeeded" if result.status == "succeeded" else "failed"
        charge.stripe_payment_intent, charge.failure = result.id, result.failure[:200]
        charge.save()
        if charge.status == "succeeded":
            sub.current_period_end = sub.current_period_end + relativedelta(months=1)
            sub.status = SubscriptionStatus.ACTIVE
        else:
            sub.status = SubscriptionStatus.PAST_DUE
        sub.save(update_fields=["current_period_end", "status"])
    return charge


def charge_due(*, today: datetime.date) -> int:
    """The platform job: charges every subscription whose period has ended."""
    n = 0
    with tenancy.in_public():
        for sub in Subscription.objects.select_related("plan").exclude(status=SubscriptionStatus.CANCELLED).filter(current_period_end__lte=today):
            try:
                if _charge(sub, today=today):
                    n += 1
            except (stripe_gateway.StripeUnavailable, stripe_gateway.StripeRefused):
                continue  # next run tries again: the charge row is pending, Stripe's key is the same
    return n


def plan_changed(plan: Plan) -> None:
    """A plan's limits edited by the platform admin reach every organisation on it."""
    for sub in plan.subscriptions.select_related("plan"):
        sync_entitlements(sub)


def sync_entitlements(sub: Subscription) -> None:
    """The plan's limits, kept beside the organisation (core enforces them): on subscribing,
    and whenever the platform admin changes the subscription or its plan."""
    core_api.set_plan_entitlements(schema_name=sub.schema_name, plan_name=sub.plan.name, max_users=sub.plan.max_users,
                                   max_locations=sub.plan.max_locations,
                                   max_ai_generations_per_month=sub.plan.max_ai_generations_per_month,
                                   cancelled=sub.status == SubscriptionStatus.CANCELLED)
