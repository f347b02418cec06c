"""Abandoned-cart recovery (moved from commercial): commercial's beat job releases an idle cart
and publishes commercial.cart.abandoned.v1; engagement sends the recovery e-mail, recorded,
once per cart whatever the deliveries; an anonymous cart gets none. It is a marketing message:
sent only with the client's marketing e-mail consent, with the signed unsubscribe link; without
it (never given, or withdrawn) recorded as suppressed with the reason."""
import datetime
import uuid

from django.core import mail
from django.utils import timezone

from contexts.commercial.models import Cart
from contexts.commercial.services import carts
from contexts.core import api as core_api
from contexts.engagement.models import MessageStatus, Notification
from contexts.engagement.services import notifications
from contexts.inventory.models import StockItem
from tests.contexts.engagement.conftest import deliver_outbox
from tests.factories import commercial as f


def test_an_idle_cart_gets_one_recovery_mail_from_engagement(tenant, django_capture_on_commit_callbacks):
    v = f.stocked_variant(units=4)
    c = f.customer(email="lea@exemple.fr")
    _consent(c)
    s, anonymous = uuid.uuid4().hex, uuid.uuid4().hex
    carts.add_item(session_id=s, variant_id=v.id, quantity=2, customer_id=c.id)
    carts.add_item(session_id=anonymous, variant_id=v.id, quantity=1)
    Cart.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert carts.abandon_idle(now=timezone.now()) == 2
        deliver_outbox("commercial.cart.abandoned.v1")
        deliver_outbox("commercial.cart.abandoned.v1")  # delivered twice
    assert StockItem.objects.get(variant_id=v.id).reserved == 0
    assert [m.to for m in mail.outbox] == [["lea@exemple.fr"]]
    message = mail.outbox[0]
    assert message.subject == "Votre panier vous attend" and "(2)" in message.body
    assert message.alternatives[0][1] == "text/html"
    note = Notification.objects.get(kind="cart_recovery")
    assert note.status == MessageStatus.SENT and note.related_id == Cart.objects.get(session_id=s).id
    assert note.purpose == "marketing"
    assert "/api/v1/engagement/unsubscribe/" in message.body and "unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def _consent(customer) -> uuid.UUID:
    client_id = core_api.client_for_customer(customer_id=customer.id).client_id
    notifications.set_consent(client_id=client_id, marketing_email=True, marketing_sms=False)
    return client_id


def _abandon(customer, django_capture_on_commit_callbacks) -> Cart:
    v = f.stocked_variant(units=4)
    session = uuid.uuid4().hex
    carts.add_item(session_id=session, variant_id=v.id, quantity=1, customer_id=customer.id)
    Cart.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert carts.abandon_idle(now=timezone.now()) == 1
        deliver_outbox("commercial.cart.abandoned.v1")
        deliver_outbox("commercial.cart.abandoned.v1")  # delivered twice: recorded once
    return Cart.objects.get(session_id=session)


def test_without_marketing_consent_the_recovery_mail_is_not_sent_and_the_reason_recorded(
        tenant, django_capture_on_commit_callbacks):
    cart = _abandon(f.customer(email="noe@exemple.fr"), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    note = Notification.objects.get(kind="cart_recovery")
    assert note.status == MessageStatus.SUPPRESSED and note.related_id == cart.id
    assert note.error == "Pas de consentement aux messages marketing."


def test_after_the_unsubscribe_link_the_recovery_mail_is_not_sent(tenant, django_capture_on_commit_callbacks):
    c = f.customer(email="ines@exemple.fr")
    client_id = _consent(c)
    notifications.unsubscribe(token=notifications.unsubscribe_token(client_id=client_id))
    _abandon(c, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    note = Notification.objects.get(kind="cart_recovery")
    assert note.status == MessageStatus.SUPPRESSED and note.error.startswith("Consentement marketing retiré")


def test_consent_withdrawn_by_staff_stops_the_recovery_mail(tenant, django_capture_on_commit_callbacks):
    c = f.customer(email="paul@exemple.fr")
    client_id = _consent(c)
    notifications.set_consent(client_id=client_id, marketing_email=False, marketing_sms=False)
    _abandon(c, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notification.objects.get(kind="cart_recovery").error == "Consentement marketing retiré."
