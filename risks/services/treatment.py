"""Step 6: treatment plans, management acceptance and its expiry."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from isms import approvals, audit
from isms.models.approvals import ApprovalState
from isms.models.audit import AuditAction
from risks.choices import RiskStatus
from risks.models import (
    Risk,
    RiskAcceptance,
    TreatmentAction,
)
from risks.services._base import _json

# --- Treatment (step 6) -----------------------------------------------------------------------


def _check_plan(user, risk):
    from risks.permissions import can_plan_treatment

    if not can_plan_treatment(user, risk):
        raise PermissionDenied("Only the risk's owner or a security manager plans its treatment.")


@audit.acts_as_user
@transaction.atomic
def treatment_action_save(*, action: TreatmentAction, user) -> TreatmentAction:
    """Add or change one action of a risk's treatment plan (what, who, by when, status)."""
    _check_plan(user, action.risk)
    creating = action.pk is None
    before = None if creating else audit.snapshot(TreatmentAction.objects.get(pk=action.pk))
    action.full_clean()
    action.save()
    if creating:
        audit.record_created(action, message=f"Treatment action of {action.risk.ref}")
    else:
        audit.record_change(action, before)
    return action


@audit.acts_as_user
@transaction.atomic
def treatment_action_delete(*, action: TreatmentAction, user) -> None:
    """Remove an action from a treatment plan."""
    _check_plan(user, action.risk)
    audit.record_deleted(action, message=f"Treatment action of {action.risk.ref}")
    action.delete()


@audit.acts_as_user
def risk_acceptance_request(
    *, risk: Risk, user, expires_on: datetime.date, justification: str
) -> RiskAcceptance:
    """Ask management to accept `risk`'s residual level until `expires_on`: creates the
    acceptance and submits it to the approval workflow, in one transaction."""
    if not user.has_perm("risks.add_riskacceptance"):
        raise PermissionDenied("Only security managers request a management acceptance.")
    errors = {}
    today = timezone.localdate()
    if expires_on is None or expires_on <= today:
        errors["expires_on"] = "The expiry date must be in the future."
    elif expires_on > today + datetime.timedelta(days=3 * 366):
        errors["expires_on"] = "An acceptance lasts at most three years."
    if not (justification or "").strip():
        errors["justification"] = "Say why the residual risk is acceptable."
    if risk.residual_level is None and risk.inherent_level is None:
        errors["__all__"] = "Score the risk (residual or inherent) before requesting acceptance."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        open_request = risk.acceptances.filter(approval_state=ApprovalState.IN_REVIEW).first()
        if open_request:
            raise ValidationError("An acceptance request for this risk is already in review.")
        use_residual = risk.residual_level is not None
        acceptance = RiskAcceptance.objects.create(
            risk=risk,
            requested_by=user,
            expires_on=expires_on,
            justification=justification,
            residual_likelihood=risk.residual_likelihood
            if use_residual
            else risk.inherent_likelihood,
            residual_impact=risk.residual_impact if use_residual else risk.inherent_impact,
            residual_level=risk.residual_level if use_residual else risk.inherent_level,
            residual_ale_usd=risk.residual_ale_usd if use_residual else risk.ale_usd,
            methodology_version=risk.methodology_version,
            risk_owner=risk.owner,
            risk_last_editor=risk.updated_by,
        )
        audit.record_created(acceptance)
        approvals.approval_request_submit(obj=acceptance, user=user, comment=justification)
    acceptance.refresh_from_db()
    return acceptance


def risk_acceptance_editors(acceptance: RiskAcceptance):
    """Who may not approve an acceptance: the risk's owner, its last editor, the requester."""
    return [acceptance.requested_by, acceptance.risk_owner, acceptance.risk_last_editor]


def risk_acceptance_apply(acceptance: RiskAcceptance, request=None) -> Risk:
    """The approval callback: the risk becomes accepted until the acceptance expires."""
    risk = Risk.objects.select_for_update().get(pk=acceptance.risk_id)
    before = audit.snapshot(risk)
    risk.status = RiskStatus.ACCEPTED
    risk.treatment = risk.treatment or "accept"
    risk.accepted_until = acceptance.expires_on
    risk.review_date = acceptance.expires_on
    risk.version += 1
    risk.save()
    audit.record_change(
        risk, before, message=f"Accepted by management until {acceptance.expires_on}"
    )
    return risk


@transaction.atomic
def risk_acceptances_expire(*, today: datetime.date | None = None) -> int:
    """Bring back for review every accepted risk whose acceptance has expired: status
    "analysed", review date today. Idempotent (a daily task). Returns the count."""
    today = today or timezone.localdate()
    risks = list(
        Risk.objects.select_for_update().filter(
            status=RiskStatus.ACCEPTED, accepted_until__lt=today
        )
    )
    if not risks:
        return 0
    now = timezone.now()
    Risk.objects.filter(pk__in=[r.pk for r in risks]).update(
        status=RiskStatus.ANALYSED,
        accepted_until=None,
        review_date=today,
        version=F("version") + 1,
        updated_at=now,
    )
    audit.record_many(
        risks,
        AuditAction.UPDATE,
        changes_for=lambda r: {
            "status": [r.status, RiskStatus.ANALYSED],
            "accepted_until": [_json(r.accepted_until), None],
            "version": [r.version, r.version + 1],
        },
        message="Acceptance expired: back for review",
    )
    return len(risks)
