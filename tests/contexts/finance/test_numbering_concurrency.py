"""20 concurrent issues in one tenant: 20 consecutive numbers, no gap, no duplicate."""
import pytest
from django.utils import timezone

from contexts.finance.models import Invoice, InvoiceSequence
from contexts.finance.services import invoicing
from tests.concurrency import run_concurrently
from tests.factories.finance import draft_invoice

pytestmark = [pytest.mark.committed, pytest.mark.dates]


@pytest.fixture
def drafts(committed_tenant):
    committed_tenant.siren = "732829320"
    return [draft_invoice() for _ in range(22)]


def test_twenty_concurrent_issues_get_consecutive_numbers(committed_tenant, drafts):
    year = timezone.localdate().year
    ok, failing = drafts[:20], drafts[20:]
    # Two of the concurrent issues fail after validation (their client vanished): no gap either.
    from contexts.core.models import Client

    Client.objects.filter(pk__in=[d.client_id for d in failing]).delete()
    batch = ok + failing

    results = run_concurrently(lambda i: invoicing.invoice_issue(invoice_id=batch[i].id), len(batch), tenant=committed_tenant)

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 2 and all(isinstance(e, invoicing.InvalidInput) for e in errors), errors
    numbers = sorted(Invoice.objects.filter(status="issued").values_list("sequence_number", flat=True))
    assert numbers == list(range(1, 21))
    assert sorted(Invoice.objects.filter(status="issued").values_list("number", flat=True)) == [
        f"FA-{year}-{n:06d}" for n in range(1, 21)
    ]
    assert InvoiceSequence.objects.get(prefix="FA", year=year).last_number == 20
