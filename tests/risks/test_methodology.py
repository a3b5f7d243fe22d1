"""Step 3: versions, approval through the ISMS workflow, activation and re-scoring."""

import pytest
from django.core.exceptions import ValidationError

from isms import approvals, audit
from isms.models import AuditEvent
from isms.models.approvals import ApprovalState
from risks import scoring, services
from risks.models import MethodologyVersion, Risk
from risks.selectors import active_version
from tests.factories import PASSWORD
from tests.risks.factories import approved_methodology, make_risk

pytestmark = pytest.mark.django_db


def test_a_draft_is_not_active_until_management_approves_it(security_manager, manager):
    version = services.methodology_version_create(user=security_manager, preset="4x4")
    assert version.approval_state == ApprovalState.DRAFT
    assert active_version() is None
    request = services.methodology_version_submit(version=version, user=security_manager)
    assert active_version() is None
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    active = active_version()
    assert active.pk == version.pk
    assert active.approved_by == manager
    assert active.approved_sha256 == scoring.content_hash(version.content)


def test_the_author_cannot_approve_their_own_version(security_manager, manager):
    manager.groups.add(*security_manager.groups.all())  # a manager who also drafts
    version = services.methodology_version_create(user=manager, preset="3x3")
    request = services.methodology_version_submit(version=version, user=manager)
    with pytest.raises(approvals.SelfApprovalRefused):
        approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    assert active_version() is None


def test_the_last_editor_cannot_approve_either(security_manager, manager, persona):
    other_manager = persona("auditor")
    other_manager.groups.add(*manager.groups.all(), *security_manager.groups.all())
    version = services.methodology_version_create(user=security_manager, preset="3x3")
    services.methodology_version_update(
        version=version, user=other_manager, content=version.content, change_note="tweak"
    )
    request = services.methodology_version_submit(version=version, user=security_manager)
    with pytest.raises(approvals.SelfApprovalRefused):
        approvals.approval_request_approve(request=request, user=other_manager, password=PASSWORD)


def test_an_incomplete_matrix_cannot_be_saved_or_submitted(security_manager):
    version = services.methodology_version_create(user=security_manager, preset="3x3")
    content = dict(
        version.content, matrix={k: v for k, v in version.content["matrix"].items() if k != "2x2"}
    )
    with pytest.raises(ValidationError) as excinfo:
        services.methodology_version_update(version=version, user=security_manager, content=content)
    assert "matrix" in excinfo.value.message_dict
    version.refresh_from_db()
    assert "2x2" in version.content["matrix"]
    MethodologyVersion.objects.filter(pk=version.pk).update(content=content)
    version.refresh_from_db()
    with pytest.raises(ValidationError):
        services.methodology_version_submit(version=version, user=security_manager)
    assert version.approval_state == ApprovalState.DRAFT


def test_an_approved_version_is_frozen(methodology, security_manager):
    with pytest.raises(approvals.ApprovedVersionFrozen):
        services.methodology_version_update(
            version=methodology, user=security_manager, content=methodology.content
        )


def test_activating_a_new_version_rescores_every_risk_in_one_go(
    methodology, security_manager, manager
):
    high = make_risk(
        security_manager,
        inherent_likelihood=5,
        inherent_impact=4,
        residual_likelihood=2,
        residual_impact=4,
    )
    low = make_risk(security_manager, inherent_likelihood=1, inherent_impact=2)
    unscored = make_risk(security_manager)
    assert high.inherent_level == 4  # critical on the 5x5
    new = approved_methodology(author=security_manager, approver=manager, preset="3x3")
    methodology.refresh_from_db()
    assert methodology.approval_state == ApprovalState.SUPERSEDED
    high.refresh_from_db()
    low.refresh_from_db()
    unscored.refresh_from_db()
    # 5 -> 3, 4 -> 3 on a 3-point scale; level "high" (rank 3) on the 3x3.
    assert (high.inherent_likelihood, high.inherent_impact, high.inherent_level) == (3, 3, 3)
    assert (high.residual_likelihood, high.residual_impact) == (2, 3)
    assert high.methodology_version_id == new.pk
    assert high.version == 2
    # $ follows the new scales: EF of impact 3 (0.75), ARO of likelihood 3 (2).
    assert high.sle_usd == high.value_at_stake_usd * scoring.Scale(new.content).exposure_factor(3)
    assert high.ale_usd == (high.sle_usd * 2).quantize(high.sle_usd)
    assert (low.inherent_likelihood, low.inherent_impact) == (1, 2)  # 2 of 5 -> 2 of 3
    assert unscored.inherent_level is None
    summary = AuditEvent.objects.get(object_id=str(new.pk), message__startswith="Activated")
    assert summary.changes["rescored"] == 3
    assert summary.changes["mapping"][str(methodology)]["likelihood"]["5"] == 3
    event = AuditEvent.objects.filter(object_id=str(high.pk), message__startswith="Re-scored").get()
    assert event.changes["inherent_likelihood"] == [5, 3]


def test_rescoring_rolls_back_with_the_approval(
    methodology, security_manager, manager, monkeypatch
):
    risk = make_risk(security_manager, inherent_likelihood=5, inherent_impact=5)
    version = services.methodology_version_create(user=security_manager, preset="3x3")
    request = services.methodology_version_submit(version=version, user=security_manager)

    def boom(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "record_many", boom)
    with pytest.raises(RuntimeError):
        approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    risk.refresh_from_db()
    assert risk.inherent_likelihood == 5
    assert active_version().pk == methodology.pk
    assert Risk.objects.filter(methodology_version=version).count() == 0
