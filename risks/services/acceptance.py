"""The acceptance rules of the risk register, in one place for every path.

Every write that can put a risk in "accepted", "treated" or "closed", or change the
level of such a risk (the risk page, the inline edit of the register, bulk edit, the
import, the API, all through `risk_create`, `risk_update` and `risk_bulk_update`), calls
`risk_acceptance_check`. The rules (ISO/IEC 27001 6.1.3 f: the risk owner accepts the
residual risk; the methodology's acceptance criteria say when management must approve):

- a risk is scored before it is accepted;
- a residual level that the methodology says needs acceptance is covered by an approved,
  unexpired management acceptance, requested by the risk's current owner for at least
  that level, before the risk is accepted, treated or closed;
- a residual level within the acceptance criteria is accepted by the risk's owner
  themself, never by someone else on their behalf;
- every acceptance has an expiry (`accepted_until`): the management acceptance's expiry,
  or for an owner's own acceptance the risk's review date (one year when none is set).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from isms.models.approvals import ApprovalState
from risks.choices import RiskStatus
from risks.models import MethodologyVersion, Risk, RiskAcceptance

# Statuses that close the risk's treatment: a residual level needing acceptance must
# have been accepted by management before any of them.
SETTLED = (RiskStatus.ACCEPTED, RiskStatus.TREATED, RiskStatus.CLOSED)
# Fields whose change can raise the residual level (or change who must accept it).
LEVEL_FIELDS = frozenset(
    {
        "status",
        "owner",
        "assets",
        "inherent_likelihood",
        "inherent_impact",
        "residual_likelihood",
        "residual_impact",
    }
)
OWNER_ACCEPTANCE_DAYS = 365


def residual_level(risk: Risk) -> int | None:
    """The level left after treatment; until the treatment is scored, the inherent one
    (as `risk_acceptance_request` takes it), so leaving the residual scores empty never
    lets a high risk be accepted without management."""
    return risk.residual_level if risk.residual_level is not None else risk.inherent_level


def needs_acceptance(risk: Risk, version: MethodologyVersion | None = None) -> bool:
    """Whether the methodology says `risk`'s residual level needs management acceptance."""
    version = version or risk.methodology_version
    level = residual_level(risk)
    if version is None or level is None:
        return False
    return version.scale.needs_acceptance(level)


def valid_acceptance(risk: Risk, today: datetime.date | None = None) -> RiskAcceptance | None:
    """The approved, unexpired acceptance covering `risk`'s current residual level,
    requested by its current owner (a new owner has not accepted anything yet)."""
    if not risk.pk:
        return None
    today = today or timezone.localdate()
    return (
        risk.acceptances.filter(
            approval_state=ApprovalState.APPROVED,
            expires_on__gte=today,
            residual_level__gte=residual_level(risk) or 0,
            risk_owner_id=risk.owner_id,
        )
        .order_by("-expires_on")
        .first()
    )


def _level_name(risk: Risk, version) -> str:
    version = version or risk.methodology_version
    found = version.scale.level(residual_level(risk)) if version else None
    return found["name"] if found else "scored"


def risk_acceptance_check(*, risk: Risk, user, version: MethodologyVersion | None, changed) -> None:
    """Refuse (ValidationError on "status") a risk state that breaks the acceptance rules,
    or complete it: set `accepted_until` and the review date of a risk being accepted,
    clear `accepted_until` of one leaving "accepted". `risk` carries the new values
    (levels derived), `changed` names the fields the write changes."""
    changed = set(changed)
    if risk.status != RiskStatus.ACCEPTED and "status" in changed:
        risk.accepted_until = None
    if risk.status not in SETTLED or not (changed & LEVEL_FIELDS):
        return
    if risk.status == RiskStatus.ACCEPTED and residual_level(risk) is None:
        raise ValidationError({"status": f"{risk.ref}: score the risk before accepting it."})
    acceptance = valid_acceptance(risk)
    if needs_acceptance(risk, version) and acceptance is None:
        verb = {RiskStatus.ACCEPTED: "accepted", RiskStatus.TREATED: "treated"}.get(
            risk.status, "closed"
        )
        raise ValidationError(
            {
                "status": (
                    f"{risk.ref}: a {_level_name(risk, version)} residual risk needs a "
                    f"management acceptance, requested by the risk owner with an expiry "
                    f"date, before it can be {verb}: lower the residual score through "
                    "treatment, or have the owner request an acceptance from the risk page."
                )
            }
        )
    if risk.status != RiskStatus.ACCEPTED:
        return
    if acceptance is not None:
        risk.accepted_until = acceptance.expires_on
        risk.review_date = acceptance.expires_on
        return
    if "status" not in changed and risk.accepted_until:
        return
    # Within the acceptance criteria: the owner accepts their own risk, until a date.
    if risk.owner_id is None or getattr(user, "pk", None) != risk.owner_id:
        raise ValidationError(
            {
                "status": (
                    f"{risk.ref}: only the risk's owner accepts its residual risk"
                    + (f" ({risk.owner})" if risk.owner_id else "; give it an owner first")
                    + "."
                )
            }
        )
    today = timezone.localdate()
    until = risk.review_date if risk.review_date and risk.review_date > today else None
    risk.accepted_until = until or today + datetime.timedelta(days=OWNER_ACCEPTANCE_DAYS)
    risk.review_date = risk.accepted_until


def acceptance_is_current(acceptance: RiskAcceptance) -> bool:
    """Whether the risk is still what its owner asked management to accept: same owner,
    same scores and levels, same methodology (what `RiskAcceptance.canonical_json` binds)."""
    risk = acceptance.risk
    use_residual = risk.residual_level is not None
    return (
        risk.owner_id == acceptance.risk_owner_id
        and risk.methodology_version_id == acceptance.methodology_version_id
        and (risk.residual_likelihood if use_residual else risk.inherent_likelihood)
        == acceptance.residual_likelihood
        and (risk.residual_impact if use_residual else risk.inherent_impact)
        == acceptance.residual_impact
        and residual_level(risk) == acceptance.residual_level
    )
