"""One transaction per command, owned by its outermost service or view (docs/architecture.md).

    with transaction.atomic(durable=True):   # a command's edge: a view, a task, a step of the
        ...                                  # checkout that must commit before the card is charged
    with joined():                           # a service: joins the caller's transaction, no savepoint

`joined()` opens a transaction of its own when no command is open (a service called alone, or
directly by a test under its wrapping transaction, where it gets the savepoint that stands for a
real transaction). A block that needs a partial rollback (an insert that may collide, retried
on IntegrityError) keeps a plain `transaction.atomic()`."""
from __future__ import annotations

from django.db import transaction


def joined(using: str | None = None):
    connection = transaction.get_connection(using)
    in_command = getattr(connection, "in_command", None)
    if in_command is not None and in_command():
        return transaction.atomic(using=using, savepoint=False)
    return transaction.atomic(using=using)
