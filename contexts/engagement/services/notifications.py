"""The one notification service: e-mails rendered from templates (text and HTML), SMS through the
gateway, in-app notifications for staff. Every message is recorded with its status; marketing
messages respect the client's consent and carry a signed unsubscribe link; transactional ones
are always sent. Sending happens after commit, never inside the caller's transaction."""
from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.engagement.gateways import sms as sms_gateway
from contexts.engagement.models import (Channel, ContactPreference, MessageStatus, Notification, Purpose,
                                        StaffNotification)

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "engagement.unsubscribe"


# --- consent -------------------------------------------------------------------------------

def may_market(*, client_id: uuid.UUID | None, channel: str) -> bool:
    return not marketing_refusal(client_id=client_id, channel=channel)


def marketing_refusal(*, client_id: uuid.UUID | None, channel: str) -> str:
    """Why a marketing message may not go to this client on this channel ("" when it may): no
    client, no consent given, or consent withdrawn (the signed unsubscribe link, or staff)."""
    if client_id is None:
        return _("No client to ask for marketing consent.")
    pref = ContactPreference.objects.filter(client_id=client_id).first()
    if pref is not None and pref.unsubscribed_at is not None:
        return _("Marketing consent withdrawn (unsubscribed on %(date)s).") % {
            "date": pref.unsubscribed_at.date().isoformat()}
    allowed = pref is not None and (pref.marketing_sms if channel == Channel.SMS else pref.marketing_email)
    if allowed:
        return ""
    if pref is not None and pref.consent_at is not None:
        return _("Marketing consent withdrawn.")
    return _("No marketing consent.")


def set_consent(*, client_id: uuid.UUID, marketing_email: bool, marketing_sms: bool) -> ContactPreference:
    with transaction.atomic():
        pref, _ = ContactPreference.objects.select_for_update().get_or_create(client_id=client_id)
        pref.marketing_email, pref.marketing_sms = marketing_email, marketing_sms
        if marketing_email or marketing_sms:
            pref.consent_at, pref.unsubscribed_at = timezone.now(), None
        pref.save()
    return pref


def unsubscribe_token(*, client_id: uuid.UUID) -> str:
    """Signed with SECRET_KEY and bound to the tenant: a link for one client of one tenant."""
    return signing.dumps({"c": str(client_id), "t": connection.schema_name}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, client_id: uuid.UUID) -> str:
    path = f"/api/v1/engagement/unsubscribe/{unsubscribe_token(client_id=client_id)}"
    tenant = getattr(connection, "tenant", None)
    domain = None
    if tenant is not None and hasattr(tenant, "get_primary_domain"):
        primary = tenant.get_primary_domain()
        domain = primary.domain if primary is not None else None
    scheme = "https" if not settings.DEBUG else "http"
    return f"{scheme}://{domain}{path}" if domain else path


class BadUnsubscribeLink(Exception):
    pass


def unsubscribe(*, token: str) -> uuid.UUID:
    """Follows a signed link: the client gets no more marketing messages. Idempotent."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        client_id = uuid.UUID(data["c"])
    except (signing.BadSignature, KeyError, ValueError, TypeError) as exc:
        raise BadUnsubscribeLink(str(exc)) from exc
    if data.get("t") != connection.schema_name:
        raise BadUnsubscribeLink("link of another organisation")
    with transaction.atomic():
        pref, _ = ContactPreference.objects.select_for_update().get_or_create(client_id=client_id)
        if pref.unsubscribed_at is None:
            pref.unsubscribed_at = timezone.now()
        pref.marketing_email = pref.marketing_sms = False
        pref.save()
    return client_id


# --- messages ------------------------------------------------------------------------------

def _record(*, kind: str, channel: str, purpose: str, recipient: str, subject: str, body: str,
            client_id: uuid.UUID | None, related_id: uuid.UUID | None) -> Notification:
    from contexts.engagement.services import timeline

    refusal = marketing_refusal(client_id=client_id, channel=channel) if purpose == Purpose.MARKETING else ""
    suppressed = bool(refusal)
    # A suppressed message is recorded with the reason (in `error`): staff see why it did not go.
    note = Notification.objects.create(kind=kind, channel=channel, purpose=purpose, recipient=recipient[:254],
                                       subject=subject[:200], body=body, client_id=client_id, related_id=related_id,
                                       status=MessageStatus.SUPPRESSED if suppressed else MessageStatus.QUEUED,
                                       error=refusal)
    if client_id is not None and not suppressed:
        timeline.record(client_id=client_id, source="engagement", kind=f"{channel}_sent", reference_id=note.id,
                        occurred_at=timezone.now(), title=("E-mail envoyé : " if channel == Channel.EMAIL else "SMS envoyé : ") + subject)
    return note


def send_email(*, kind: str, to: str, template: str, context: dict, client_id: uuid.UUID | None = None,
               related_id: uuid.UUID | None = None, purpose: str = Purpose.TRANSACTIONAL) -> Notification:
    """Renders templates/engagement/email/<template>.subject.txt, .txt and .html, records the
    message and sends it after commit (status sent or failed)."""
    ctx = dict(context)
    if purpose == Purpose.MARKETING and client_id is not None:
        ctx["unsubscribe_url"] = unsubscribe_url(client_id=client_id)
    subject = " ".join(render_to_string(f"engagement/email/{template}.subject.txt", ctx).split())
    text = render_to_string(f"engagement/email/{template}.txt", ctx)
    html = render_to_string(f"engagement/email/{template}.html", ctx)
    with transaction.atomic():
        note = _record(kind=kind, channel=Channel.EMAIL, purpose=purpose, recipient=to, subject=subject, body=text,
                       client_id=client_id, related_id=related_id)
        if note.status == MessageStatus.QUEUED:
            headers = {"List-Unsubscribe": f"<{ctx['unsubscribe_url']}>"} if "unsubscribe_url" in ctx else {}
            transaction.on_commit(lambda: _deliver_email(note.id, subject, text, html, to, headers))
    return note


def send_sms(*, kind: str, to: str, text: str, client_id: uuid.UUID | None = None,
             related_id: uuid.UUID | None = None, purpose: str = Purpose.TRANSACTIONAL) -> Notification:
    with transaction.atomic():
        note = _record(kind=kind, channel=Channel.SMS, purpose=purpose, recipient=to, subject=text[:200], body=text,
                       client_id=client_id, related_id=related_id)
        if note.status == MessageStatus.QUEUED:
            transaction.on_commit(lambda: _deliver_sms(note.id, to, text))
    return note


def _mark(note_id: uuid.UUID, *, error: str = "", provider_id: str = "") -> None:
    Notification.objects.filter(pk=note_id).update(
        status=MessageStatus.FAILED if error else MessageStatus.SENT, error=error[:2000], provider_id=provider_id[:100],
        delivered_at=None if error else timezone.now())


def _deliver_email(note_id, subject, text, html, to, headers) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:  # the mail server's refusal is recorded, not raised into the caller
        logger.warning("e-mail %s to %s failed: %s", note_id, to, exc)
        _mark(note_id, error=str(exc) or exc.__class__.__name__)
    else:
        _mark(note_id)


def _deliver_sms(note_id, to, text) -> None:
    try:
        provider_id = sms_gateway.send(to=to, text=text)
    except sms_gateway.SmsError as exc:
        logger.warning("SMS %s to %s failed: %s", note_id, to, exc)
        _mark(note_id, error=str(exc))
    else:
        _mark(note_id, provider_id=provider_id)


# --- staff ---------------------------------------------------------------------------------

def notify_staff(*, kind: str, title: str, body: str = "", link: str = "", user_id: int | None = None,
                 dedup_key: str | None = None) -> StaffNotification | None:
    """An in-app notification in the back office; with a dedup_key, at most one per key."""
    with transaction.atomic():
        if dedup_key:
            note, created = StaffNotification.objects.get_or_create(
                dedup_key=dedup_key[:120], defaults={"kind": kind, "title": title[:200], "body": body, "link": link[:300], "user_id": user_id})
            return note if created else None
        return StaffNotification.objects.create(kind=kind, title=title[:200], body=body, link=link[:300], user_id=user_id)


def mark_read(*, ids: list[uuid.UUID], now=None) -> int:
    with transaction.atomic():
        return StaffNotification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=now or timezone.now())


# --- what other contexts' events ask for ---------------------------------------------------

def cart_recovery(*, cart_id: uuid.UUID, client_id: uuid.UUID | None, items: int) -> Notification | None:
    """The abandoned-cart recovery e-mail (moved from commercial), once per cart. It invites the
    customer back to buy: a marketing message, sent only with the client's marketing e-mail
    consent and with the signed unsubscribe link; without consent (never given or withdrawn) it
    is recorded as suppressed with the reason, and not sent. An anonymous cart gets nothing."""
    from contexts.core import api as core_api

    client = core_api.client_summary(client_id=client_id) if client_id else None
    if client is None or not client.email:
        return None
    if Notification.objects.filter(kind="cart_recovery", related_id=cart_id).exists():
        return None
    return send_email(kind="cart_recovery", to=client.email, template="cart_recovery", client_id=client.id,
                      related_id=cart_id, context={"name": client.display_name, "items": items},
                      purpose=Purpose.MARKETING)


def order_confirmation(*, order_id: uuid.UUID, client_id: uuid.UUID, total: str, invoice_number: str) -> Notification | None:
    from contexts.core import api as core_api

    client = core_api.client_summary(client_id=client_id)
    if client is None or not client.email:
        return None
    if Notification.objects.filter(kind="order_confirmation", related_id=order_id).exists():
        return None
    return send_email(kind="order_confirmation", to=client.email, template="order_confirmation", client_id=client.id,
                      related_id=order_id, context={"name": client.display_name, "total": total, "invoice_number": invoice_number})
