"""Outgoing webhooks: endpoints, one delivery per (endpoint, event) created by the subscriber of
every business event, sent by a Celery task (no transaction open during the request), retried
with exponential backoff over about a day, endpoints disabled after too many failures in a row."""
from __future__ import annotations

import datetime
import importlib
import inspect
import json
import logging
import random
import secrets
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Func, Q
from django.utils import timezone

from contexts.engagement.webhooks import net, signing
from contexts.engagement.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from crm import tenancy
from crm.events import Event
from crm.transactions import joined

logger = logging.getLogger(__name__)

CONTEXTS = ("core", "catalog", "inventory", "finance", "commercial", "pos", "logistics", "engagement")
ALL = "*"


def known_event_types() -> set[str]:
    """The names of the business events declared in the contexts' events.py."""
    names = set()
    for ctx in CONTEXTS:
        module = importlib.import_module(f"contexts.{ctx}.events")
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, Event) and obj.__module__ == module.__name__ and getattr(obj, "name", ""):
                names.add(obj.name)
    return names


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- endpoints -----------------------------------------------------------------------------

def create_endpoint(*, url: str, event_types: list[str], description: str = "",
                    created_by_id: int | None = None) -> WebhookEndpoint:
    """The caller checked the URL (net.check_url) and the event types. The secret is on the
    returned object: show it once."""
    with joined():
        endpoint = WebhookEndpoint.objects.create(url=url, event_types=sorted(set(event_types)),
                                                  description=description, secret=new_secret(),
                                                  created_by_id=created_by_id)
        endpoints_changed()
        return endpoint


def update_endpoint(*, endpoint: WebhookEndpoint, **changes) -> WebhookEndpoint:
    with joined():
        reactivated = changes.get("is_active") is True and not endpoint.is_active
        for field, value in changes.items():
            setattr(endpoint, field, sorted(set(value)) if field == "event_types" else value)
        if reactivated:
            endpoint.consecutive_failures, endpoint.disabled_at, endpoint.disabled_reason = 0, None, ""
        endpoint.save()
        endpoints_changed()
        return endpoint


def delete_endpoints(*, ids: list) -> int:
    """Deletes endpoints with their deliveries and logs. Returns the number of endpoints deleted."""
    with joined():
        deleted = WebhookEndpoint.objects.filter(pk__in=list(ids)).delete()[1].get(WebhookEndpoint._meta.label, 0)
        endpoints_changed()
        return deleted


# --- which events the tenant's endpoints want: the relay's `wanted` check --------------------
# Every business event of every tenant reaches the relay; most tenants have no endpoint. The
# bus asks `wants_event` before it queues the relay's task (crm.eventbus.subscribe, `wanted`),
# in the publisher's process right after its commit: so no SQL there. The event types that the
# tenant's active endpoints want are cached under a version of the tenant (the default cache's
# keys carry the schema); any change of an endpoint bumps the version after its commit, so the
# next event reads them again (one query). Versioned rather than deleted: a reader that queried
# just before a change stores its answer under the old version, which nobody reads any more.

WANTED_VERSION_KEY = "webhooks:endpoints:version"
WANTED_SECONDS = 600  # a bound on what a lost bump (Redis restarted, a restored database) costs


def _wanted_key(version) -> str:
    return f"webhooks:wanted:{version}"


def wanted_event_types() -> frozenset[str] | None:
    """The event types the tenant's active endpoints want ("*" for every one), cached; None when
    the cache cannot answer (then every event is relayed, as the relay decides on its own)."""
    try:
        version = cache.get(WANTED_VERSION_KEY)
        if version is None:
            cache.add(WANTED_VERSION_KEY, secrets.randbits(62), timeout=None)
            version = cache.get(WANTED_VERSION_KEY)
        types = cache.get(_wanted_key(version))
    except Exception:
        logger.warning("webhooks: the cache does not answer; every event goes to the relay", exc_info=True)
        return None
    if types is None:
        types = sorted(WebhookEndpoint.objects.filter(is_active=True)
                       .annotate(event_type=Func(F("event_types"), function="unnest"))
                       .values_list("event_type", flat=True).distinct())
        try:
            cache.set(_wanted_key(version), types, timeout=WANTED_SECONDS)
        except Exception:
            pass
    return frozenset(types)


def wants_event(*, name: str) -> bool:
    """Whether an active endpoint of the current tenant wants this event (cheap: see above)."""
    if tenancy.is_public():  # endpoints belong to tenants
        return False
    types = wanted_event_types()
    return types is None or ALL in types or name in types


def _bump_wanted_version() -> None:
    try:
        try:
            cache.incr(WANTED_VERSION_KEY)
        except ValueError:  # no version yet (or evicted): any new one will do
            cache.add(WANTED_VERSION_KEY, secrets.randbits(62), timeout=None)
    except Exception:
        logger.warning("webhooks: could not bump the endpoints' version; it is read again within %s s",
                       WANTED_SECONDS, exc_info=True)


def endpoints_changed() -> None:
    """Endpoints were created, changed, disabled or deleted: after the commit, the next event
    reads which events they want again."""
    transaction.on_commit(_bump_wanted_version)


# --- deliveries ----------------------------------------------------------------------------

def body_for(*, event_id, name: str, occurred_at, payload: dict) -> str:
    return json.dumps({"id": str(event_id), "type": name, "created": occurred_at, "tenant": tenancy.current_schema(),
                       "data": payload}, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True)


def enqueue_event(*, event_id: uuid.UUID, name: str, occurred_at: datetime.datetime, payload: dict) -> list[uuid.UUID]:
    """One delivery per active endpoint that wants this event, sent after commit. Idempotent."""
    if tenancy.is_public():  # endpoints belong to tenants
        return []
    endpoints = list(WebhookEndpoint.objects.filter(Q(event_types__contains=[name]) | Q(event_types__contains=[ALL]),
                                                    is_active=True))
    if not endpoints:
        return []
    body = body_for(event_id=event_id, name=name, occurred_at=occurred_at, payload=payload)
    now = timezone.now()
    with joined():
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(endpoint=e, event_id=event_id, event_name=name, body=body, next_attempt_at=now)
             for e in endpoints], ignore_conflicts=True)
        ids = list(WebhookDelivery.objects.filter(event_id=event_id, endpoint__in=endpoints,
                                                  status=DeliveryStatus.PENDING).values_list("id", flat=True))
        transaction.on_commit(lambda: _queue(ids))
    return ids


def _queue(ids, *, countdown: float = 0, manual: bool = False) -> None:
    from contexts.engagement.webhooks import tasks

    for delivery_id in ids:
        tasks.deliver_webhook.apply_async(kwargs={"delivery_id": str(delivery_id), "manual": manual},
                                          countdown=countdown or None)


def backoff(attempt: int) -> float:
    """Seconds before the attempt after `attempt` failed ones: base x 2^(n-1), capped, +/- 10 %."""
    delay = min(settings.WEBHOOKS_BACKOFF_MAX_SECONDS, settings.WEBHOOKS_BACKOFF_SECONDS * (2 ** max(0, attempt - 1)))
    return delay * random.uniform(0.9, 1.1)


def _claim(delivery_id, *, manual: bool, now: datetime.datetime) -> WebhookDelivery | None:
    """Marks the delivery as being sent, if it is due (one worker only, even when the task was
    queued twice: the countdown and the sweep)."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(of=("self",)).select_related("endpoint")
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return None
        if not manual and delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        if not manual and not delivery.endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return None
        delivery.status, delivery.claimed_at = DeliveryStatus.SENDING, now
        delivery.save(update_fields=["status", "claimed_at"])
        return delivery


def deliver(*, delivery_id, manual: bool = False) -> dict:
    """One attempt: claim (short transaction), POST (no transaction), record (short transaction).
    Returns {"result": skipped|succeeded|retry|failed, "countdown": seconds before the next}."""
    now = timezone.now()
    delivery = _claim(delivery_id, manual=manual, now=now)
    if delivery is None:
        return {"result": "skipped"}
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Comptoir-Webhooks/1",
               signing.HEADER: signing.sign(body=body, secret=endpoint.secret),
               "Comptoir-Event-Id": str(delivery.event_id), "Comptoir-Event-Type": delivery.event_name,
               "Comptoir-Delivery-Id": str(delivery.id)}
    response = net.post(endpoint.url, body=body, headers=headers)
    return _record(delivery=delivery, response=response, manual=manual)


def _record(*, delivery: WebhookDelivery, response: net.Response, manual: bool) -> dict:
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        number = delivery.attempts + 1
        WebhookAttempt.objects.create(delivery=delivery, number=number, attempted_at=now,
                                      status_code=response.status_code, duration_ms=response.duration_ms,
                                      error=response.error, manual=manual)
        delivery.attempts, delivery.last_status_code, delivery.claimed_at = number, response.status_code, None
        outcome: dict = {}
        if response.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
            outcome = {"result": "succeeded"}
        else:
            failures = _count_failure(endpoint_id=delivery.endpoint_id, error=response.error, now=now)
            automatic = delivery.log.filter(manual=False).count()
            if manual or automatic > settings.WEBHOOKS_MAX_RETRIES or failures is None:
                # A manual resend is one try; an endpoint just disabled stops its retries.
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
                outcome = {"result": "failed"}
            else:
                countdown = backoff(automatic)
                delivery.status = DeliveryStatus.PENDING
                delivery.next_attempt_at = now + datetime.timedelta(seconds=countdown)
                outcome = {"result": "retry", "countdown": countdown}
        delivery.save(update_fields=["attempts", "last_status_code", "claimed_at", "status", "delivered_at",
                                     "next_attempt_at"])
    return outcome


def _count_failure(*, endpoint_id, error: str, now) -> int | None:
    """Counts a failed attempt; disables the endpoint at the threshold (and tells its owners).
    Returns the count, or None when the endpoint is (now) disabled."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(consecutive_failures=F("consecutive_failures") + 1)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if not endpoint.is_active:
        return None
    if endpoint.consecutive_failures < settings.WEBHOOKS_DISABLE_AFTER_FAILURES:
        return endpoint.consecutive_failures
    endpoint.is_active, endpoint.disabled_at = False, now
    endpoint.disabled_reason = f"{endpoint.consecutive_failures} échecs consécutifs"[:200]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    endpoints_changed()
    _notify_disabled(endpoint=endpoint, error=error)
    return None


def _notify_disabled(*, endpoint: WebhookEndpoint, error: str) -> None:
    from contexts.core import api as core_api
    from contexts.engagement.services import notifications

    title = f"Webhook désactivé : {endpoint.url}"
    body = f"{endpoint.consecutive_failures} échecs consécutifs. Dernière erreur : {error}"
    link = f"/admin/engagement/webhookendpoint/{endpoint.pk}/change/"
    key = f"webhook_disabled:{endpoint.pk}:{endpoint.disabled_at:%Y%m%d%H%M%S}"
    notifications.notify_staff(kind="webhook_disabled", title=title, body=body, link=link,
                               user_id=endpoint.created_by_id, dedup_key=key)
    for email in core_api.staff_emails(roles=["owner"]):
        notifications.send_email(kind="webhook_disabled", to=email, template="webhook_disabled", related_id=endpoint.pk,
                                 context={"url": endpoint.url, "failures": endpoint.consecutive_failures, "error": error})


def resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """A manual resend: one more attempt now, whatever the delivery's state (not while it is
    being sent), even to a disabled endpoint (to test it before reactivating)."""
    with joined():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == DeliveryStatus.SENDING:
            raise AlreadySending()
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        transaction.on_commit(lambda: _queue([delivery.pk], manual=True))
        return delivery


class AlreadySending(Exception):
    pass


def sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """The periodic job: deliveries due whose task is not coming (a long backoff is not kept in
    the broker; a lost task), and deliveries left "sending" by a dead worker."""
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(seconds=settings.WEBHOOKS_STUCK_SECONDS)
    with transaction.atomic():
        freed = list(WebhookDelivery.objects.select_for_update(skip_locked=True)
                     .filter(status=DeliveryStatus.SENDING, claimed_at__lt=stuck_before).values_list("id", flat=True))
        WebhookDelivery.objects.filter(id__in=freed).update(status=DeliveryStatus.PENDING, claimed_at=None,
                                                            next_attempt_at=now)
    # Due for a minute at least: a delivery just created, or a short retry, has its task coming.
    due_before = now - datetime.timedelta(seconds=60)
    due = list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=due_before)
               .order_by("next_attempt_at").values_list("id", flat=True)[:limit])
    due = list(dict.fromkeys([*freed, *due]))
    _queue(due)
    return len(due)
