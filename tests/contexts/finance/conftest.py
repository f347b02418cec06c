import pytest


@pytest.fixture
def seller(tenant):
    """The tenant as a seller, with what invoices must print (in memory on the active tenant)."""
    tenant.legal_name = "Alpha Boutique SARL"
    tenant.siren = "732829320"
    tenant.vat_number = "FR44732829320"
    tenant.address_line = "8 rue de la Roquette"
    tenant.postal_code = "75011"
    tenant.city = "Paris"
    tenant.iban = "FR7630006000011234567890189"
    return tenant


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Document rendering is queued on commit; unit tests render explicitly."""
    from contexts.finance import documents

    monkeypatch.setattr(documents, "schedule_render", lambda **kw: None)
