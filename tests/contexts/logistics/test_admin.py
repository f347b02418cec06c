"""The logistics back office: lists in French with the client's name, one query for the names
whatever the page; the actions go through the services (history, event, e-mail)."""
from django.test import Client as HttpClient

from contexts.logistics.models import Shipment
from crm.models import OutboxEvent
from tests.factories import logistics as fl
from tests.factories.core import StaffFactory


def _browser():
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    browser.force_login(StaffFactory(is_superuser=True, role="owner"))
    return browser


def test_the_lists_show_the_client_and_pages_open(tenant):
    shipment = fl.paid_order_shipment(the_client=fl.client(first_name="Inès", last_name="Durand"))
    fl.carrier(code="colis")
    browser = _browser()
    listing = browser.get("/admin/logistics/shipment/")
    assert listing.status_code == 200
    assert "Inès Durand" in listing.content.decode() and "Expéditions" in listing.content.decode()
    import uuid

    from contexts.logistics.services import collections, dispatches
    from tests.factories import inventory as inv
    from tests.fake_carrier import PDF

    shop = inv.location("shop")
    variant_id, _, _ = inv.stocked(3, loc=shop)
    collection = collections.create(order_id=uuid.uuid4(), client_id=shipment.client_id, location_id=shop.id,
                                    lines=[{"variant_id": variant_id, "quantity": 1}])
    dispatch = dispatches.post_letter(kind="registered", address_lines=["Inès Durand", "1 rue Haute"], postal_code="75001",
                                 city="Paris", pdf=PDF)
    carrier = fl.carrier(code="colis-2")
    for url in (f"/admin/logistics/shipment/{shipment.pk}/change/", f"/admin/logistics/collection/{collection.pk}/change/",
                f"/admin/logistics/dispatch/{dispatch.pk}/change/", f"/admin/logistics/carrier/{carrier.pk}/change/",
                "/admin/logistics/carrier/",
                "/admin/logistics/carrier/add/", "/admin/logistics/dispatch/", "/admin/logistics/collection/",
                "/admin/logistics/shelf/"):
        assert browser.get(url).status_code == 200, url


def test_the_pick_action_goes_through_the_service(tenant):
    shipment = fl.paid_order_shipment()
    answer = _browser().post("/admin/logistics/shipment/", {"action": "mark_picked", "_selected_action": [str(shipment.pk)]})
    assert answer.status_code == 302
    assert Shipment.objects.get(pk=shipment.pk).status == "picked"
    assert OutboxEvent.objects.filter(name="logistics.shipment.picked.v1").count() == 1
    assert list(shipment.history.values_list("to_status", flat=True)) == ["to_pick", "picked"]
