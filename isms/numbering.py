"""The one way to give a new record the next number of a sequence: risks (R-001), assets
(A-001), SoAs (#1), and the versions of the scope, a policy and the risk methodology.

    with transaction.atomic():
        number = numbering.next_number(SoA.objects.all(), sequence="isms.soa")
        SoA.objects.create(number=number, ...)

`next_number()` takes the sequence's lock, then reads the highest number and adds one.
The lock is held until the transaction ends, so a concurrent caller waits and then
reads the number just committed: two creations never get the same number, and neither
fails. (`select_for_update()` on an aggregate locks no row, and a unique constraint
alone turns the race into an IntegrityError.)

- PostgreSQL: a transaction-level advisory lock, `pg_advisory_xact_lock(key)`, with a
  64-bit key derived from the sequence's name. Sequences with a parent (a policy's
  versions) name the parent (`"isms.policyversion:12"`), so only that parent's
  creations wait for each other.
- SQLite: the settings open every transaction with BEGIN IMMEDIATE, which takes the
  database's write lock at once; a second writer waits for the first to commit before
  it reads anything, so no further lock is needed.
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction
from django.db.models import Max, QuerySet


def sequence_key(sequence: str) -> int:
    """The advisory-lock key of `sequence`: a stable signed 64-bit integer."""
    digest = hashlib.blake2b(sequence.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_sequence(sequence: str) -> None:
    """Hold the lock of `sequence` until the current transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Numbers are allocated inside transaction.atomic().")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [sequence_key(sequence)])


def next_number(queryset: QuerySet, *, sequence: str, field: str = "number") -> int:
    """Lock `sequence`, then return the highest `field` of `queryset` plus one (1 for
    the first). `field` may be an annotation (e.g. the number inside a text reference)."""
    lock_sequence(sequence)
    highest = queryset.aggregate(highest=Max(field))["highest"]
    return (highest or 0) + 1
