"""What a "not effective" control test result sets off: the follow-ups.

`follow_ups` holds one `FollowUp` per name. When a result concludes "not effective" (a
tester's result, or an automated test turning not effective), every registered follow-up
runs inside the same transaction as the result (`services.result_record`,
`services.automated_evaluate`), so a follow-up that fails leaves no result behind.
`isms` never imports `risks`: the risks app registers its follow-up from its own
AppConfig.ready() (it puts the risks the control treats up for review), and the audits
app registers one that raises a nonconformity:

    from isms.assurance.hooks import FollowUp, follow_ups
    follow_ups.register(FollowUp("nonconformity", _("Nonconformity"), run=raise_nc))

`run(result=..., user=...)` gets the concluded `ControlTestResult` (its test, control
implementation and control one attribute away) and the acting user (None for the daily
evaluation); it returns a short sentence of what it did ("2 risks put up for review"),
or "" for nothing, which goes to the result's audit record.
"""

from collections.abc import Callable
from dataclasses import dataclass

from isms.registry import Registry


@dataclass(frozen=True)
class FollowUp:
    """A follow-up of a not-effective control test result."""

    name: str
    label: str
    run: Callable


follow_ups: Registry[str, FollowUp] = Registry(
    "not-effective control test follow-ups", key=lambda f: f.name
)


def run_follow_ups(*, result, user=None) -> list[str]:
    """Run every registered follow-up for `result` (inside the caller's transaction);
    what each did, in registration order."""
    done = []
    for follow_up in follow_ups:
        outcome = follow_up.run(result=result, user=user)
        if outcome:
            done.append(f"{follow_up.label}: {outcome}")
    return done
