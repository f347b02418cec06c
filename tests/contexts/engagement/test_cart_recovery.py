"""Abandoned-cart recovery (moved from commercial): commercial's beat job releases an idle cart
and publishes commercial.cart.abandoned.v1; engagement sends the recovery e-mail, recorded,
once per cart whatever the deliveries; an anonymous cart gets none."""
import datetime
import uuid

from django.core import mail
from django.utils import timezone

from contexts.commercial.models import Cart
from contexts.commercial.services import carts
from contexts.engagement.models import MessageStatus, Notification
from contexts.inventory.models import StockItem
from tests.contexts.engagement.conftest import deliver_outbox
from tests.factories import commercial as f


def test_an_idle_cart_gets_one_recovery_mail_from_engagement(tenant, django_capture_on_commit_callbacks):
    v = f.stocked_variant(units=4)
    c = f.customer(email="lea@exemple.fr")
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
