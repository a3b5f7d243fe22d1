"""What assessment findings can become (a risk, a nonconformity).

`follow_ups` maps a kind ("risk", "nonconformity") to a `FollowUp` whose
`raise_(finding=, user=)` creates the record in its own app, inside the caller's
transaction, and returns it. The risk register registers "risk" (`risks/apps.py`). The
nonconformity hook is for the audits app (`isms.audits`): `isms` may not import
`assets`, so the adapter that calls its service is registered from here, in
`SuppliersConfig.ready()`, once that service exists (see docs/suppliers.md).
"""

from collections.abc import Callable
from dataclasses import dataclass

from isms.registry import Registry


@dataclass(frozen=True)
class FollowUp:
    name: str
    label: str
    permission: str  # the permission needed to raise it
    raise_: Callable  # raise_(finding=, user=) -> the created record


follow_ups: Registry[str, FollowUp] = Registry("supplier finding follow-ups", key=lambda f: f.name)
