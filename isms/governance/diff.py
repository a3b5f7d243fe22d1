"""Side-by-side line diff of two texts (for versions and the approvals inbox)."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffRow:
    tag: str  # equal | replace | delete | insert
    left_number: int | None
    left: str
    right_number: int | None
    right: str


def side_by_side(old: str, new: str) -> list[DiffRow]:
    """Rows pairing the lines of `old` (left) with those of `new` (right)."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        span = max(i2 - i1, j2 - j1)
        for k in range(span):
            li, rj = i1 + k, j1 + k
            left = a[li] if li < i2 else None
            right = b[rj] if rj < j2 else None
            rows.append(
                DiffRow(
                    tag=tag if tag != "replace" else ("replace" if left and right else tag),
                    left_number=li + 1 if left is not None else None,
                    left=left or "",
                    right_number=rj + 1 if right is not None else None,
                    right=right or "",
                )
            )
    return rows


def changed(rows: list[DiffRow]) -> int:
    return sum(1 for row in rows if row.tag != "equal")
