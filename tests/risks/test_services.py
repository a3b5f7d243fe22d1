"""Steps 4 to 6 in the services: creating and scoring risks, the $ model, concurrent
edits, acceptance through the approval workflow, expiry, bulk edit."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assets import services as asset_services
from assets.models import Asset
from isms import approvals
from isms.models import ApprovalRequest, AuditEvent
from isms.models.approvals import ApprovalState
from risks import services
from risks.choices import RiskStatus
from risks.models import Risk, RiskAcceptance
from tests.assets.factories import AssetFactory
from tests.factories import PASSWORD
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db


def test_refs_are_generated_in_sequence(methodology, security_manager):
    first = make_risk(security_manager)
    second = make_risk(security_manager)
    assert (first.ref, second.ref) == ("R-001", "R-002")
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="create").exists()


def test_levels_and_dollars_come_from_the_methodology(methodology, security_manager):
    asset = AssetFactory(value_usd=200_000)
    risk = make_risk(security_manager, assets=[asset], inherent_likelihood=4, inherent_impact=3)
    assert risk.inherent_level == 3  # 4 x 3 = 12 -> High
    assert risk.exposure_factor == Decimal("0.2")
    assert risk.aro == Decimal("1")
    assert risk.sle_usd == Decimal("40000.00")
    assert risk.ale_usd == Decimal("40000.00")


def test_scores_outside_the_scale_and_missing_assets_are_refused(methodology, security_manager):
    with pytest.raises(ValidationError) as excinfo:
        make_risk(security_manager, inherent_likelihood=6, inherent_impact=0)
    assert set(excinfo.value.message_dict) == {"inherent_likelihood", "inherent_impact"}
    with pytest.raises(ValidationError) as excinfo:
        services.risk_create(user=security_manager, data={"title": "x", "assets": []})
    assert "assets" in excinfo.value.message_dict
    assert Risk.objects.count() == 0


def test_scores_are_refused_without_an_approved_methodology(security_manager):
    with pytest.raises(ValidationError) as excinfo:
        make_risk(security_manager, inherent_likelihood=1)
    assert "No methodology" in excinfo.value.message_dict["inherent_likelihood"][0]
    assert make_risk(security_manager).inherent_level is None  # identified, not analysed


def test_shared_dependents_count_once_in_the_value_at_stake(methodology, security_manager):
    # Billing (50k) depends on both the database (10k) and the server (5k).
    database = AssetFactory(value_usd=10_000)
    server = AssetFactory(value_usd=5_000)
    billing = AssetFactory(value_usd=50_000, depends_on=[database, server])
    database.refresh_from_db()
    server.refresh_from_db()
    assert database.value_at_stake_usd == Decimal("60000.00")
    risk = make_risk(
        security_manager, assets=[database, server], inherent_likelihood=3, inherent_impact=5
    )
    # 10k + 5k + billing's 50k once = 65k, not 60k + 55k.
    assert risk.value_at_stake_usd == Decimal("65000.00")
    assert billing.pk


def test_a_change_of_asset_value_recomputes_ale_in_bulk(methodology, security_manager):
    asset = AssetFactory(value_usd=100_000)
    risks = [
        make_risk(security_manager, assets=[asset], inherent_likelihood=4, inherent_impact=3)
        for _ in range(3)
    ]
    versions = [r.version for r in risks]
    asset_services.asset_update(asset=asset, user=None, data={"value_usd": Decimal("300000")})
    for risk, version in zip(risks, versions, strict=True):
        risk.refresh_from_db()
        assert risk.value_at_stake_usd == Decimal("300000.00")
        assert risk.ale_usd == Decimal("60000.00")
        assert risk.version == version  # derived figures never conflict with an edit
    event = AuditEvent.objects.filter(object_id=str(risks[0].pk)).first()
    assert event.message == "Assets' value at stake changed"


def test_a_dependent_asset_change_reaches_risks_on_its_dependencies(methodology, security_manager):
    database = AssetFactory(value_usd=10_000)
    risk = make_risk(security_manager, assets=[database], inherent_likelihood=4, inherent_impact=5)
    AssetFactory(value_usd=90_000, depends_on=[database])
    risk.refresh_from_db()
    assert risk.value_at_stake_usd == Decimal("100000.00")
    assert risk.ale_usd == Decimal("90000.00")


def test_a_stale_save_is_refused_with_what_changed(methodology, security_manager, persona):
    risk = make_risk(security_manager, inherent_likelihood=2, inherent_impact=2)
    seen = risk.version
    services.risk_update(
        risk=risk, user=security_manager, data={"inherent_likelihood": 4}, expected_version=seen
    )
    other = persona("admin")
    with pytest.raises(services.RiskConflict) as excinfo:
        services.risk_update(
            risk=risk, user=other, data={"inherent_impact": 5}, expected_version=seen
        )
    conflict = excinfo.value
    assert conflict.changes[0]["fields"]["inherent_likelihood"] == [2, 4]
    assert conflict.changes[0]["actor"] == "security_manager"
    risk.refresh_from_db()
    assert (risk.inherent_impact, risk.version) == (2, seen + 1)


def test_owners_change_treatment_and_status_only(methodology, security_manager, owner, outsider):
    risk = make_risk(security_manager, owner=owner, inherent_likelihood=2, inherent_impact=2)
    risk = services.risk_update(
        risk=risk,
        user=owner,
        data={
            "treatment": "mitigate",
            "residual_likelihood": 1,
            "residual_impact": 2,
            "status": "treatment_planned",
        },
        expected_version=risk.version,
    )
    assert risk.treatment == "mitigate"
    assert risk.residual_level == 1
    with pytest.raises(PermissionDenied):
        services.risk_update(
            risk=risk, user=owner, data={"inherent_impact": 1}, expected_version=risk.version
        )
    with pytest.raises(PermissionDenied):
        services.risk_update(
            risk=risk, user=outsider, data={"status": "closed"}, expected_version=risk.version
        )


def _needing_acceptance(user, **extra):
    return make_risk(
        user,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=4,
        treatment="accept",
        **extra,
    )


def test_accepting_a_high_residual_risk_needs_management(
    methodology, security_manager, manager, owner
):
    risk = _needing_acceptance(security_manager, owner=owner)
    with pytest.raises(ValidationError) as excinfo:
        services.risk_update(
            risk=risk,
            user=security_manager,
            data={"status": "accepted"},
            expected_version=risk.version,
        )
    assert "management acceptance" in excinfo.value.message_dict["status"][0]
    expiry = timezone.localdate() + datetime.timedelta(days=180)
    acceptance = services.risk_acceptance_request(
        risk=risk,
        user=security_manager,
        expires_on=expiry,
        justification="Compensated by insurance",
    )
    assert acceptance.approval_state == ApprovalState.IN_REVIEW
    request = approvals.pending_for(manager).get()
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ACCEPTED
    assert risk.accepted_until == expiry
    acceptance.refresh_from_db()
    assert acceptance.approved_by == manager


def test_the_risk_owner_cannot_approve_its_acceptance(methodology, security_manager, manager):
    risk = _needing_acceptance(security_manager, owner=manager)
    services.risk_acceptance_request(
        risk=risk,
        user=security_manager,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        justification="why",
    )
    acceptance = risk.acceptances.get()
    approval = ApprovalRequest.objects.get(
        content_type=ContentType.objects.get_for_model(RiskAcceptance), object_id=acceptance.pk
    )
    with pytest.raises(approvals.SelfApprovalRefused):
        approvals.approval_request_approve(request=approval, user=manager, password=PASSWORD)
    risk.refresh_from_db()
    assert risk.status != RiskStatus.ACCEPTED


def test_acceptance_requests_are_validated(methodology, security_manager, owner):
    risk = _needing_acceptance(security_manager)
    with pytest.raises(ValidationError) as excinfo:
        services.risk_acceptance_request(
            risk=risk, user=security_manager, expires_on=timezone.localdate(), justification=""
        )
    assert set(excinfo.value.message_dict) == {"expires_on", "justification"}
    with pytest.raises(PermissionDenied):
        services.risk_acceptance_request(
            risk=risk,
            user=owner,
            expires_on=timezone.localdate() + datetime.timedelta(days=9),
            justification="x",
        )


def test_expired_acceptances_bring_risks_back_for_review(methodology, security_manager, manager):
    risk = _needing_acceptance(security_manager)
    expiry = timezone.localdate() + datetime.timedelta(days=10)
    services.risk_acceptance_request(
        risk=risk, user=security_manager, expires_on=expiry, justification="temporary"
    )
    approvals.approval_request_approve(
        request=approvals.pending_for(manager).get(), user=manager, password=PASSWORD
    )
    assert services.risk_acceptances_expire(today=expiry) == 0
    assert services.risk_acceptances_expire(today=expiry + datetime.timedelta(days=1)) == 1
    assert services.risk_acceptances_expire(today=expiry + datetime.timedelta(days=1)) == 0
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ANALYSED
    assert risk.accepted_until is None
    assert services.valid_acceptance(risk, today=expiry) is not None
    assert services.valid_acceptance(risk, today=expiry + datetime.timedelta(days=1)) is None


def test_low_residual_risks_are_accepted_by_their_owner(methodology, security_manager, owner):
    risk = make_risk(security_manager, owner=owner, inherent_likelihood=2, inherent_impact=1)
    risk = services.risk_update(
        risk=risk, user=owner, data={"status": "accepted"}, expected_version=risk.version
    )
    assert risk.status == RiskStatus.ACCEPTED


def test_bulk_edit_is_all_or_nothing(methodology, security_manager, owner):
    low = make_risk(security_manager, inherent_likelihood=1, inherent_impact=1)
    high = _needing_acceptance(security_manager)
    with pytest.raises(ValidationError) as excinfo:
        services.risk_bulk_update(
            user=security_manager, risk_ids=[low.pk, high.pk], data={"status": "accepted"}
        )
    assert high.ref in excinfo.value.message_dict["status"][0]
    low.refresh_from_db()
    assert low.status == RiskStatus.IDENTIFIED
    count = services.risk_bulk_update(
        user=security_manager,
        risk_ids=[low.pk, high.pk],
        data={"owner": owner, "status": "analysed"},
    )
    assert count == 2
    high.refresh_from_db()
    assert (high.owner, high.status, high.version) == (owner, "analysed", 2)
    assert AuditEvent.objects.filter(message="Bulk edit").count() == 2
    with pytest.raises(PermissionDenied):
        services.risk_bulk_update(user=owner, risk_ids=[low.pk], data={"status": "closed"})


def test_treatment_plan_actions(methodology, security_manager, owner, outsider):
    from risks.models import TreatmentAction

    risk = make_risk(security_manager, owner=owner)
    action = services.treatment_action_save(
        action=TreatmentAction(risk=risk, title="Enable MFA delete", owner=owner), user=owner
    )
    assert risk.actions.get() == action
    with pytest.raises(PermissionDenied):
        services.treatment_action_delete(action=action, user=outsider)
    services.treatment_action_delete(action=action, user=security_manager)
    assert not risk.actions.exists()


def test_revaluing_many_assets_at_once(methodology, security_manager):
    assets = [AssetFactory(value_usd=1_000) for _ in range(3)]
    risk = make_risk(security_manager, assets=assets, inherent_likelihood=4, inherent_impact=3)
    Asset.objects.filter(pk__in=[a.pk for a in assets]).update(value_usd=Decimal("2000"))
    changed = services.risks_revalue(
        asset_ids=[a.pk for a in assets] + list(range(10**6, 10**6 + 1200))
    )
    risk.refresh_from_db()
    assert changed == 1
    assert risk.value_at_stake_usd == Decimal("6000.00")
    assert risk.ale_usd == Decimal("1200.00")
