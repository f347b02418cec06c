"""Completing a ticket costs the same, bounded, number of queries for 1 and 30 lines."""
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contexts.pos.services import tickets
from tests.factories import pos as f

# Catalog pricing (4 reads) and variants (1), settings (1), the register's counter (1), stock
# (2 writes), the journal head (1 read, 1 write), ticket, lines, tenders, entry (4 inserts), the
# outbox (1), plus the idempotency look-up and the session (2): 18, each behind django-tenants'
# `SET search_path`, and the transaction's savepoint pair (the test's own transaction).
BUDGET = 40


@pytest.fixture
def till(tenant):
    reg = f.register()
    sess = f.session(reg)
    variants = [f.stocked_variant(reg.location_id, quantity=50, price="4.00") for _ in range(30)]
    f.sale(sess, [(variants[0], 1)])  # the journal head exists: the steady state of a till
    return sess, variants


def _queries(sess, variants):
    lines = [{"variant_id": v.id, "quantity": 2} for v in variants]
    with CaptureQueriesContext(connection) as ctx:
        tickets.complete_ticket(session_id=sess.id, uuid=uuid.uuid4(), cashier_id=sess.cashier_id, lines=lines,
                                tenders=[{"method": "card", "amount": "1.00", "reference": "X"},
                                         {"method": "cash", "amount": "500.00"}])
    return len(ctx.captured_queries), ctx


def test_one_line_and_thirty_lines_cost_the_same_queries(till):
    sess, variants = till
    one, ctx1 = _queries(sess, variants[:1])
    thirty, ctx30 = _queries(sess, variants)
    listing = "\n".join(q["sql"][:150] for q in ctx30.captured_queries)
    assert one == thirty, listing
    assert thirty <= BUDGET, listing
