"""The demo tenant's data goes through each context's api, and a second run adds nothing."""
import random

import pytest

from contexts.catalog.models import Product, Variant
from contexts.commercial.models import Contract
from contexts.core.models import Client
from config.demo.data import seed_demo
from contexts.finance.models import Invoice
from contexts.inventory.models import Location, StockItem

pytestmark = pytest.mark.committed


def test_demo_data_is_realistic_and_idempotent(committed_tenant):
    committed_tenant.siren = "732829320"
    lines = seed_demo(rng=random.Random(1), password="demo-comptoir")
    assert any("216 products, 420 variants" in line for line in lines)
    assert Product.objects.count() == 216 and Variant.objects.filter(ean13__isnull=False).count() == 420
    assert Location.objects.count() == 4 and StockItem.objects.count() == 420 * 3
    assert Client.objects.count() == 112 and Contract.objects.filter(status="signed").count() == 6
    assert Invoice.objects.filter(status="issued", contract_id__isnull=False).count() == 6
    from contexts.pos.models import Register
    from contexts.pos.services import managers

    assert list(Register.objects.values_list("code", flat=True)) == ["bastille-1"]
    assert managers.check_manager_pin(pin="2468") is not None  # manon approves at the demo till
    from contexts.pos.models import Shop

    assert Shop.objects.get().siret == "84321000600012"  # the receipts' legal mention
    seed_demo(rng=random.Random(1), password="demo-comptoir")
    assert (Product.objects.count(), Client.objects.count(), Contract.objects.count()) == (216, 112, 6)
    assert Register.objects.count() == 1
