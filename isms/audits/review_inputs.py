"""The inputs of a management review (ISO/IEC 27001 9.3.2), as registered providers.

A management review's inputs are pre-filled from what the product already knows and frozen
as a dated snapshot when the review is prepared. Each input is a `ReviewInput` registered
here by the app that owns the data: `isms` apps register theirs in their `setup.py`;
`assets` and `risks` register theirs from their `AppConfig.ready()`, so `isms` never
imports them (docs/architecture.md).

`collect()` takes no argument and returns a JSON-serialisable dict:

    {"summary": "one sentence", "figures": [{"label": ..., "value": ...}, ...],
     "rows": [{...}, ...]}   # rows optional, each a flat dict of plain values

It must run a fixed number of queries whatever the number of records (aggregate in the
database; the management-review benchmark asserts it on the 100k-risk data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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


def ordered() -> list[ReviewInput]:
    """The registered inputs in review order (by `order`, then registration)."""
    return sorted(inputs, key=lambda i: i.order)
