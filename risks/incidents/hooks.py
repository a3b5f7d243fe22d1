"""What an incident's lessons learned can raise (Annex A 5.27): the follow-up kinds.

`follow_ups` maps a name ("risk", "nonconformity", ...) to a `FollowUp`. The incident
register ships "risk" (a risk of the register, through `risks.services.risk_create`).
The audits app adds "nonconformity" from its own AppConfig.ready(), without this app
knowing it:

    from risks.incidents.hooks import FollowUp, follow_ups
    follow_ups.register(FollowUp("nonconformity", _("Nonconformity"),
                                 permission="audits.add_nonconformity", raise_=create_nc))

`raise_(incident=..., user=..., data={"title": ..., "description": ...})` runs inside
the transaction of `services.incident_follow_up`, returns the record it created (with
`get_absolute_url()`), and raises ValidationError/PermissionDenied to refuse. The
incident's timeline records it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from isms.registry import Registry


@dataclass(frozen=True)
class FollowUp:
    """A kind of record that an incident's lessons learned can raise."""

    name: str
    label: str
    permission: str
    raise_: Callable


follow_ups: Registry[str, FollowUp] = Registry("incident follow-ups", key=lambda f: f.name)
