"""The acceptance rules of the risk register (issue 16, item 3), on every path that can
settle a risk: the service, the risk page, the inline edit, bulk edit, the import and
the API. One service (`risks.services.acceptance`) holds them; each path is tested here."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from isms import approvals
from isms.models.approvals import ApprovalState
from risks import services
from risks.choices import RiskStatus
from risks.models import Risk
from tests.assets.factories import AssetFactory
from tests.factories import PASSWORD
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=90)


@pytest.fixture
def high(methodology, security_manager, owner):
    """A risk of `owner` whose residual level (4 x 4, High) needs management acceptance."""
    return make_risk(
        security_manager,
        owner=owner,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=4,
        treatment="mitigate",
    )


def _request(risk, user, days=90):
    return services.risk_acceptance_request(
        risk=risk,
        user=user,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        justification="Compensating controls",
    )


def _approve(manager):
    request = approvals.pending_for(manager).get()
    return approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)


def _update(risk, user, **data):
    risk = Risk.objects.get(pk=risk.pk)
    return services.risk_update(risk=risk, user=user, data=data, expected_version=risk.version)


# --- (a) treated and closed need the acceptance too ---------------------------------------------


@pytest.mark.parametrize("status", ["treated", "closed", "accepted"])
def test_a_residual_level_needing_acceptance_settles_only_once_accepted(
    high, security_manager, owner, manager, status
):
    with pytest.raises(ValidationError) as excinfo:
        _update(high, security_manager, status=status)
    assert "needs a management acceptance" in excinfo.value.message_dict["status"][0]
    assert Risk.objects.get(pk=high.pk).status == RiskStatus.IDENTIFIED
    _request(high, owner)
    _approve(manager)
    risk = _update(high, owner, status=status)
    assert risk.status == status


def test_raising_the_level_of_a_treated_risk_needs_a_new_acceptance(
    methodology, security_manager, owner
):
    risk = make_risk(
        security_manager,
        owner=owner,
        inherent_likelihood=3,
        inherent_impact=3,
        residual_likelihood=1,
        residual_impact=1,
    )
    risk = _update(risk, owner, status="treated")
    with pytest.raises(ValidationError):
        _update(risk, owner, residual_likelihood=4, residual_impact=4)


# --- (b) the risk owner accepts, always with an expiry ----------------------------------------


def test_only_the_risk_owner_requests_an_acceptance(high, security_manager, owner, manager):
    with pytest.raises(PermissionDenied):
        _request(high, security_manager)
    acceptance = _request(high, owner)
    assert (acceptance.requested_by, acceptance.risk_owner) == (owner, owner)
    _approve(manager)
    high.refresh_from_db()
    assert high.status == RiskStatus.ACCEPTED
    assert high.accepted_until == acceptance.expires_on


def test_an_unowned_risk_cannot_be_accepted(methodology, security_manager):
    risk = make_risk(security_manager, inherent_likelihood=5, inherent_impact=5)
    with pytest.raises(ValidationError, match="owner"):
        _request(risk, security_manager)


def test_a_security_manager_cannot_accept_someone_elses_risk(methodology, security_manager, owner):
    low = make_risk(security_manager, owner=owner, inherent_likelihood=1, inherent_impact=2)
    with pytest.raises(ValidationError, match="only the risk's owner"):
        _update(low, security_manager, status="accepted")
    risk = _update(low, owner, status="accepted")
    assert risk.accepted_until is not None and risk.accepted_until > timezone.localdate()


def test_a_new_owner_has_not_accepted_anything(high, security_manager, owner, manager):
    _request(high, owner)
    _approve(manager)
    with pytest.raises(ValidationError, match="needs a management acceptance"):
        _update(high, security_manager, owner=security_manager)


# --- (c) the approval binds to the risk as submitted --------------------------------------------


def test_raising_the_risk_during_the_review_withdraws_the_request(
    high, security_manager, owner, manager
):
    acceptance = _request(high, owner)
    request = approvals.pending_for(manager).get()
    _update(high, security_manager, residual_likelihood=5, residual_impact=5)
    request.refresh_from_db()
    acceptance.refresh_from_db()
    assert request.state == acceptance.approval_state == ApprovalState.REJECTED
    with pytest.raises(approvals.ApprovalConflict):
        approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    assert Risk.objects.get(pk=high.pk).status != RiskStatus.ACCEPTED
    # The owner asks again, for the level the risk has now.
    again = _request(high, owner)
    assert (again.residual_likelihood, again.residual_impact) == (5, 5)


def test_an_approval_is_refused_when_the_risk_changed_behind_the_services(high, owner, manager):
    """Even a change that skips the services (a rescore, a raw update) is caught: the
    approved hash covers the risk as it stands."""
    _request(high, owner)
    Risk.objects.filter(pk=high.pk).update(residual_likelihood=5, residual_level=5)
    with pytest.raises(approvals.ApprovalConflict, match="changed"):
        _approve(manager)
    assert Risk.objects.get(pk=high.pk).status != RiskStatus.ACCEPTED


# --- (d) and every path: bulk, page, inline, import, API ----------------------------------------


def test_bulk_edit_never_accepts_an_unscored_risk(methodology, security_manager):
    unscored = make_risk(security_manager, owner=security_manager)
    with pytest.raises(ValidationError, match="score the risk before accepting"):
        services.risk_bulk_update(
            user=security_manager, risk_ids=[unscored.pk], data={"status": "accepted"}
        )
    assert Risk.objects.get(pk=unscored.pk).status == RiskStatus.IDENTIFIED


def test_bulk_edit_page_refuses_closing_a_risk_needing_acceptance(
    high, security_manager, client_as
):
    response = client_as(security_manager).post(
        reverse("risks:risk_bulk"), {"risks": [high.pk], "status": "closed"}, follow=True
    )
    assert b"needs a management acceptance" in response.content
    assert Risk.objects.get(pk=high.pk).status == RiskStatus.IDENTIFIED


def test_risk_page_refuses_treated_without_acceptance(high, owner, client_as):
    response = client_as(owner).post(
        reverse("risks:risk_edit", args=[high.pk]),
        {
            "status": "treated",
            "treatment": "mitigate",
            "treatment_justification": "",
            "residual_likelihood": 4,
            "residual_impact": 4,
            "version": high.version,
        },
    )
    assert response.status_code == 200
    assert b"needs a management acceptance" in response.content
    assert Risk.objects.get(pk=high.pk).status == RiskStatus.IDENTIFIED


def test_inline_edit_refuses_closed_without_acceptance(high, security_manager, client_as):
    response = client_as(security_manager).post(
        reverse("risks:risk_inline", args=[high.pk]),
        {"field": "status", "value": "closed", "version": high.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert b"needs a management acceptance" in response.content
    assert Risk.objects.get(pk=high.pk).status == RiskStatus.IDENTIFIED


def test_import_refuses_settled_rows_breaking_the_rules(methodology, security_manager, client_as):
    AssetFactory(ref="A-900")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["title", "assets", "owner", "status", "inherent_likelihood", "inherent_impact"]
    )
    writer.writerow(["Fine", "A-900", "", "identified", "2", "2"])
    writer.writerow(["Unscored", "A-900", "", "accepted", "", ""])
    writer.writerow(["Critical", "A-900", "", "closed", "5", "5"])
    upload = SimpleUploadedFile("risks.csv", buffer.getvalue().encode(), "text/csv")
    response = client_as(security_manager).post(reverse("risks:risk_import"), {"file": upload})
    assert response.status_code == 400
    errors = " ".join(response.context["errors"])
    assert "Row 3: status" in errors and "score the risk" in errors
    assert "Row 4: status" in errors and "needs a management acceptance" in errors
    assert Risk.objects.count() == 0


def test_api_refuses_accepted_without_acceptance(high, security_manager, client_as):
    response = client_as(security_manager).patch(
        f"/api/risks/{high.pk}/",
        {"status": "accepted", "version": high.version},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "needs a management acceptance" in str(response.json()["errors"]["status"])
    assert Risk.objects.get(pk=high.pk).status == RiskStatus.IDENTIFIED


def test_a_new_methodology_withdraws_the_acceptances_in_review(
    high, owner, security_manager, manager
):
    from tests.risks.factories import approved_methodology

    acceptance = _request(high, owner)
    approved_methodology(author=security_manager, approver=manager, preset="4x4")
    acceptance.refresh_from_db()
    assert acceptance.approval_state == ApprovalState.REJECTED
    assert not approvals.pending_for(manager).exists()
