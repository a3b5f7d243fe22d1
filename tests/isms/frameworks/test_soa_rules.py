"""Issue 16.1, 16.2 and 16.4b: the SoA's completeness rule (one rule for freezing,
submitting, approving and the page), Implemented against failing checks, the reason
"risk treatment" against the register, and the editors of a frozen SoA's rows."""

import hashlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from isms import approvals, audit
from isms.frameworks import selectors, services
from isms.models import ApprovalRequest, ControlImplementation, SoA, SoARow
from isms.models.approvals import ApprovalState
from tests.factories import PASSWORD, UserFactory, soa_decide_all
from tests.isms.test_admin_audit import admin_post


def impl(identifier):
    return ControlImplementation.objects.get(control__identifier=identifier)


def decide(user, identifier, **changes):
    return services.control_implementation_update(
        implementation=impl(identifier), user=user, data=changes
    )


# --- 16.1 Completeness ---------------------------------------------------------------------


def test_freeze_refuses_each_kind_of_gap_and_the_page_counts_exactly_those(
    iso, security_manager, client_as
):
    soa_decide_all(iso)
    ControlImplementation.objects.filter(control__identifier="5.1").update(applicable=None)
    ControlImplementation.objects.filter(control__identifier="5.2").update(reasons=[])
    # An exclusion without justification can no longer be typed in; older data has some.
    ControlImplementation.objects.filter(control__identifier="7.4").update(
        applicable=False, reasons=[], justification=""
    )
    with pytest.raises(ValidationError) as error:
        services.soa_freeze(user=security_manager)
    messages = error.value.messages
    assert messages[0] == "3 problems must be fixed before the SoA can be frozen."
    assert "5.1: no applicability decision" in messages
    assert "5.2: applicable without a reason for inclusion" in messages
    assert "7.4: excluded without a justification" in messages
    assert not SoA.objects.exists()

    page = client_as(security_manager).get(reverse("isms:soa"))
    progress = page.context["progress"]
    assert progress.to_fix == 3
    assert "To fix before freezing (3)" in page.content.decode()
    # The page's Freeze button and the API are refused alike.
    response = client_as(security_manager).post(reverse("isms:soa_freeze"), follow=True)
    assert "3 problems must be fixed" in response.content.decode()
    response = client_as(security_manager).post("/api/soas/")
    assert response.status_code == 400
    assert not SoA.objects.exists()

    decide(security_manager, "5.1", applicable=True, reasons=["business"])
    decide(security_manager, "5.2", reasons=["legal"])
    decide(security_manager, "7.4", justification="No premises.")
    assert selectors.progress(iso).to_fix == 0
    assert services.soa_freeze(user=security_manager).summary["undecided"] == 0


def _legacy_soa(iso, user, **row_changes):
    """An SoA frozen before the completeness rule existed: rows as they stood."""
    rows = services.soa_rows_build(iso)
    for row in rows:
        if row["identifier"] in row_changes:
            row.update(row_changes[row["identifier"]])
    content = services.canonical_content(
        framework_code=iso.code, framework_version=iso.version, rows=rows
    )
    soa = SoA.objects.create(
        number=1,
        framework=iso,
        framework_name=iso.name,
        framework_version=iso.version,
        organisation="Example Ltd",
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
        summary={},
        frozen_by=user,
        frozen_at="2026-01-01T00:00:00Z",
    )
    SoARow.objects.bulk_create(SoARow(soa=soa, **row) for row in rows)
    return soa


def test_an_soa_with_gaps_can_be_neither_submitted_nor_approved(
    iso, security_manager, manager, client_as
):
    soa_decide_all(iso)
    soa = _legacy_soa(iso, security_manager, **{"5.1": {"applicable": None}})
    with pytest.raises(approvals.ContentIncomplete, match="1 problems to fix first: 5.1"):
        services.soa_submit(soa=soa, user=security_manager)
    page = client_as(security_manager).get(reverse("isms:soa_detail", args=[soa.number]))
    assert "5.1: no applicability decision" in page.content.decode()

    # Submitted before the rule existed: approving is refused by the same rule,
    # through the service, the SoA page, the approvals page and the API alike.
    request = ApprovalRequest.objects.create(
        content_type=ContentType.objects.get_for_model(SoA),
        object_id=soa.pk,
        title=str(soa),
        submitted_by=security_manager,
        content=services.soa_content(soa),
        content_sha256=soa.content_hash,
    )
    SoA.objects.filter(pk=soa.pk).update(approval_state=ApprovalState.IN_REVIEW)
    with pytest.raises(approvals.ContentIncomplete, match="cannot be approved"):
        services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD)
    client = client_as(manager)
    response = client.post(
        reverse("isms:soa_decide", args=[soa.number]),
        {"decision": "approve", "password": PASSWORD},
        follow=True,
    )
    assert "cannot be approved" in response.content.decode()
    response = client.post(
        f"/api/soas/{soa.pk}/approve/", {"password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "cannot be approved" in json.dumps(response.json())
    soa.refresh_from_db()
    assert soa.approval_state == ApprovalState.IN_REVIEW
    # Sending it back stays possible.
    approvals.approval_request_reject(
        request=request, user=manager, password=PASSWORD, comment="Decide 5.1 first."
    )


# --- 16.2 Implemented against failing checks; risk treatment against the register ------------


def test_implemented_with_failing_checks_needs_a_rationale_on_every_path(
    iso, security_manager, admin_user, client_as, check_provider
):
    control = iso.controls.get(identifier="8.13")
    check_provider({control.pk: (5, 16)})
    decide(security_manager, "8.13", applicable=True, reasons=["business"])

    with pytest.raises(ValidationError) as error:  # service
        decide(security_manager, "8.13", status="implemented")
    assert "16 failing, 5 passing" in error.value.message_dict["implemented_rationale"][0]

    client = client_as(security_manager)
    response = client.patch(  # API
        f"/api/control-implementations/{impl('8.13').pk}/",
        {"status": "implemented"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "implemented_rationale" in response.json()["errors"]

    response = client.post(  # page
        reverse("isms:control_edit", args=[control.pk]),
        {"applicable": "yes", "reasons": ["business"], "status": "implemented"},
    )
    assert response.status_code == 200
    assert "implemented_rationale" in response.context["form"].errors

    response = client.post(  # bulk edit
        reverse("isms:soa_bulk_edit") + "?theme=technological",
        {"implementations": [impl("8.13").pk], "status": "implemented", "applicable": "yes"},
    )
    assert response.status_code == 200
    assert "8.13: Mapped automated checks fail" in response.content.decode()

    url = reverse("admin:isms_controlimplementation_change", args=[impl("8.13").pk])
    response = admin_post(client_as(admin_user), url, status="implemented")  # admin
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["implemented_rationale"]
    assert impl("8.13").status == "not_started"

    rationale = "Failing results are the restore-test buckets, backed up by AWS Backup."
    decide(security_manager, "8.13", status="implemented", implemented_rationale=rationale)
    soa_decide_all(iso)
    page = client.get(reverse("isms:soa"))
    assert "Implemented while automated checks fail (1)" in page.content.decode()
    soa = services.soa_freeze(user=security_manager)
    row = soa.rows.get(identifier="8.13")
    assert (row.evidence_conflict, row.implemented_rationale) == (True, rationale)
    detail = client.get(reverse("isms:soa_detail", args=[soa.number])).content.decode()
    assert f"Implemented while checks fail: {rationale}" in detail
    for fmt in ("csv", "json"):
        content = client.get(reverse("isms:soa_download", args=[soa.number, fmt])).content
        assert rationale in content.decode()


def test_checks_failing_after_the_decision_block_the_next_freeze(
    iso, security_manager, check_provider
):
    soa_decide_all(iso)
    decide(security_manager, "8.13", status="implemented")
    check_provider({iso.controls.get(identifier="8.13").pk: (5, 16)})
    with pytest.raises(ValidationError) as error:
        services.soa_freeze(user=security_manager)
    assert (
        "8.13: implemented while mapped automated checks fail, with no rationale"
        in error.value.messages
    )


def test_the_reason_risk_treatment_needs_a_treating_risk(
    iso, security_manager, client_as, risk_provider
):
    with pytest.raises(ValidationError) as error:
        decide(security_manager, "5.15", applicable=True, reasons=["risk_treatment"])
    assert "No risk's treatment selects this control" in error.value.message_dict["reasons"][0]
    response = client_as(security_manager).patch(
        f"/api/control-implementations/{impl('5.15').pk}/",
        {"applicable": True, "reasons": ["risk_treatment"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    provider = risk_provider({iso.controls.get(identifier="5.15").pk: ["R-001"]})
    decide(security_manager, "5.15", applicable=True, reasons=["risk_treatment"])

    # The risk is unlinked later: the SoA cannot be frozen claiming it.
    from isms.frameworks import treatments

    treatments.unregister_provider(provider)
    soa_decide_all(iso)
    with pytest.raises(ValidationError) as error:
        services.soa_freeze(user=security_manager)
    assert "5.15: reason “risk treatment” but no risk treats it" in error.value.messages


# --- 16.4b Whoever decided a row is an editor of the SoA ----------------------------------


def test_an_approver_who_decided_a_control_of_the_soa_cannot_approve_it(
    iso, security_manager, manager
):
    soa_decide_all(iso)
    # A member of management who may also edit implementations decides one row.
    both = UserFactory()
    both.groups.add(*security_manager.groups.all(), *manager.groups.all())
    with audit.acting_as(both):
        decide(both, "5.2", status="planned")
    soa = services.soa_freeze(user=security_manager)
    assert both.pk in services.soa_editors(soa)
    request = services.soa_submit(soa=soa, user=security_manager)
    with pytest.raises(approvals.SelfApprovalRefused):
        services.soa_decide(soa=soa, user=both, approve=True, password=PASSWORD)
    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD)
    request.refresh_from_db()
    assert request.state == ApprovalState.APPROVED

    # Edits before the SoA in force do not bar approving the next one.
    soa2 = services.soa_freeze(user=security_manager)
    assert both.pk not in services.soa_editors(soa2)


def test_an_administrator_who_changed_a_control_in_the_admin_cannot_approve_the_soa(
    iso, security_manager, admin_user, client_as
):
    soa_decide_all(iso)
    url = reverse("admin:isms_controlimplementation_change", args=[impl("5.1").pk])
    response = admin_post(client_as(admin_user), url, description="Edited in the admin")
    assert response.status_code == 302
    soa = services.soa_freeze(user=security_manager)
    assert soa.rows.get(identifier="5.1").description == "Edited in the admin"
    services.soa_submit(soa=soa, user=security_manager)
    with pytest.raises(approvals.SelfApprovalRefused):
        services.soa_decide(soa=soa, user=admin_user, approve=True, password=PASSWORD)
