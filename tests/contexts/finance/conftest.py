import pytest


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Document rendering is queued on commit; unit tests render explicitly."""
    from contexts.finance import documents

    monkeypatch.setattr(documents, "schedule_render", lambda **kw: None)
