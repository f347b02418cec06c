"""The till's back office: every page answers, fiscal records are read-only, the journal check
button names the first bad entry."""
import uuid
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from contexts.pos.models import CashierSession, Closing, JournalEntry, PosSettings, Register, Shop, Ticket
from contexts.pos.services import registers, sessions
from tests.factories import pos as f
from tests.factories.core import StaffFactory


@pytest.fixture
def day(tenant):
    reg = f.register()
    sess = f.session(reg)
    ticket = f.sale(sess, [(f.stocked_variant(reg.location_id), 1)])
    sessions.close_session(session_id=sess.id, counted={"cash": Decimal("129.90")}, closed_by_id=sess.cashier_id)
    registers.set_discount_threshold(percent="15")
    return reg, ticket


def _browser(role):
    b = HttpClient(SERVER_NAME="alpha.testserver")
    b.force_login(StaffFactory(role=role))
    return b


@pytest.mark.parametrize("role", ["owner", "manager", "cashier", "viewer", "accountant", "sales"])
def test_every_pos_page_answers_and_fiscal_records_are_read_only(day, role):
    b = _browser(role)
    for model in (Shop, PosSettings, Register, CashierSession, Ticket, Closing, JournalEntry):
        name = model._meta.model_name
        listing = b.get(f"/admin/pos/{name}/")
        assert listing.status_code in (200, 403), (role, name, listing.status_code)
        row = model.objects.order_by().first()
        change = b.get(f"/admin/pos/{name}/{row.pk}/change/")
        assert change.status_code in (200, 302, 403), (role, name, change.status_code)
    if role in ("owner", "manager"):
        page = b.get(f"/admin/pos/ticket/{day[1].pk}/change/").content.decode()
        assert 'name="_save"' not in page
        assert b.post(f"/admin/pos/ticket/{day[1].pk}/delete/").status_code == 403


def test_the_journal_check_button_says_intact_or_names_the_entry(day):
    from django.db import connection

    b = _browser("manager")
    page = b.get("/admin/pos/journalentry/verifier/", follow=True).content.decode()
    assert "Journal intègre" in page
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE pos_journalentry SET content = replace(content, '29.90', '9.90') WHERE seq = 1")
        cursor.execute("SET session_replication_role = DEFAULT")
    page = b.get("/admin/pos/journalentry/verifier/", follow=True).content.decode()
    assert "première entrée en défaut : n° 1" in page


def test_a_register_is_added_through_the_service(tenant):
    shop = f.shop()
    b = _browser("owner")
    response = b.post("/admin/pos/register/add/", {"code": "comptoir-2", "name": "Comptoir 2", "location_id": str(shop.id),
                                                   "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Register.objects.get(code="comptoir-2").location_id == shop.id
    assert Shop.objects.filter(location_id=shop.id).exists()
