"""The inputs of a management review (ISO/IEC 27001 9.3.2), as registered providers.

A management review's inputs are pre-filled from what the product already knows and frozen
as a dated snapshot when the review is prepared. Each input is a `ReviewInput` registered
here by the app that owns the data: `isms` apps register theirs in their `setup.py`;
`assets` and `risks` register theirs from their `AppConfig.ready()`, so `isms` never
imports them (docs/architecture.md).

`collect()` takes no argument and returns a JSON-serialisable dict:

    {"summary": "one sentence", "figures": [{"label": ..., "value": ...}, ...],
     "rows": [{...}, ...]}   # rows optional, each a flat dict of plain values

The snapshot keeps the rows' columns in the order of the first row's keys (stored as a
`columns` list, since PostgreSQL's jsonb sorts object keys).

It must run a fixed number of queries whatever the number of records (aggregate in the
database; the management-review benchmark asserts it on the 100k-risk data).

Clause letters follow ISO/IEC 27001:2022 9.3.2, and `order` follows them: a) 10,
b) 20, c) 30, d) 1) 40, d) 2) 41-46, d) 3) 47, d) 4) 48, e) 50, f) 60, g) 70.
Figures "since the last review" count from `period_start()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from isms.registry import Registry


@dataclass(frozen=True)
class ReviewInput:
    """One input of the management review: where it comes from in 9.3.2 and how to get it."""

    key: str  # stable name stored in snapshots, e.g. "nonconformities"
    clause: str  # the 9.3.2 item it answers, e.g. "9.3.2 c) 1)"
    title: str  # shown as the heading of the input (a lazy translation)
    collect: Callable[[], dict] = field(compare=False)
    order: int = 100  # position among the inputs (lower first)


inputs: Registry[str, ReviewInput] = Registry("management review inputs", key=lambda i: i.key)


def period_start() -> datetime.date:
    """Where "since the last review" starts: the day the last approved management
    review was held, or a year ago when none was (one query)."""
    from isms.audits.models.reviews import ManagementReview
    from isms.models.approvals import ApprovalState

    last = (
        ManagementReview.objects.filter(approval_state=ApprovalState.APPROVED)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    return last or timezone.localdate() - datetime.timedelta(days=365)


def register(item: ReviewInput) -> None:
    """Add a management-review input (a different input under the same key is refused)."""
    inputs.register(item)


def ordered() -> list[ReviewInput]:
    """The registered inputs in review order (by `order`, then registration)."""
    return sorted(inputs, key=lambda i: i.order)
