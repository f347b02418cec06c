"""Registers (a till of a shop) and the shop's receipt identity."""
from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from contexts.inventory import api as inventory_api
from contexts.pos.models import PosSettings, Register, Shop
from contexts.pos.services._common import InvalidInput, as_amount, as_uuid
from django.utils.translation import gettext as _


def create_register(*, name: str, code: str, location_id: uuid.UUID) -> Register:
    """A register of a shop (an inventory location of kind shop); its tickets take stock there."""
    location_id = as_uuid(location_id, "location_id")
    name, code = (name or "").strip(), (code or "").strip().lower()
    if not name:
        raise InvalidInput(_("A register needs a name."), field="name")
    if not code or len(code) > 30 or not code.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput(_("A code is 1 to 30 letters, digits, - or _."), field="code")
    location = inventory_api.locations_by_ids(ids=[location_id]).get(location_id)
    if location is None or not location.is_active:
        raise InvalidInput(_("No such active location."), field="location_id")
    if location.kind != "shop":
        raise InvalidInput(_("A register belongs to a shop, not a warehouse."), field="location_id")
    with transaction.atomic():
        if Register.objects.filter(code=code).exists():
            raise InvalidInput(_("This code is used."), field="code")
        Shop.objects.get_or_create(location_id=location_id, defaults={"name": location.name})
        try:
            with transaction.atomic():
                return Register.objects.create(name=name[:120], code=code, location_id=location_id)
        except IntegrityError:
            raise InvalidInput(_("This code is used."), field="code")


def set_shop_identity(*, location_id: uuid.UUID, name: str = "", siret: str = "", address_line: str = "",
                      postal_code: str = "", city: str = "", receipt_footer: str = "") -> Shop:
    location_id = as_uuid(location_id, "location_id")
    siret = (siret or "").replace(" ", "")
    if siret and (len(siret) != 14 or not siret.isdigit()):
        raise InvalidInput(_("A SIRET is 14 digits."), field="siret")
    with transaction.atomic():
        shop, _created = Shop.objects.select_for_update().get_or_create(location_id=location_id)
        for key, value in {"name": name, "siret": siret, "address_line": address_line, "postal_code": postal_code,
                           "city": city, "receipt_footer": receipt_footer}.items():
            setattr(shop, key, (value or "").strip())
        shop.save()
    return shop


def settings_row() -> PosSettings:
    return PosSettings.objects.filter(pk=1).first() or PosSettings(id=1)


def set_discount_threshold(*, percent) -> PosSettings:
    value = as_amount(percent, "discount_approval_percent")
    if value > 100:
        raise InvalidInput(_("A percentage is at most 100."), field="discount_approval_percent")
    with transaction.atomic():
        row, _created = PosSettings.objects.update_or_create(pk=1, defaults={"discount_approval_percent": value})
    return row
