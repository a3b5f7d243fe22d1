"""Freezing, the diff, approval through the shared workflow, and the rule that nothing
changes a frozen SoA: not the model, the querysets, the admin, the API or a service."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from isms import approvals, audit
from isms.frameworks import selectors, services
from isms.models import ApprovalRequest, ControlImplementation, SoA, SoARow
from isms.models.approvals import ApprovalState
from isms.models.audit import AuditAction
from isms.models.soa import SoAFrozen
from tests.counts import ISO_CONTROLS
from tests.factories import PASSWORD, soa_decide_all


def decide(iso, user, identifier, **changes):
    implementation = ControlImplementation.objects.get(
        control__framework=iso, control__identifier=identifier
    )
    return services.control_implementation_update(
        implementation=implementation, user=user, data=changes
    )


def approved_soa(iso, security_manager, manager):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    services.soa_submit(soa=soa, user=security_manager)
    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD, comment="OK")
    soa.refresh_from_db()
    return soa


def test_freeze_snapshots_every_control_with_a_hash(
    iso, security_manager, risk_provider, check_provider
):
    decide(iso, security_manager, "5.1", applicable=True, reasons=["legal"], status="implemented")
    decide(iso, security_manager, "7.4", applicable=False, justification="No premises")
    control = iso.controls.get(identifier="5.1")
    risk_provider({control.pk: ["R-001", "R-002"]})
    check_provider({control.pk: (3, 1)})
    decide(iso, security_manager, "5.1", implemented_rationale="Failures are test buckets.")
    soa_decide_all(iso)

    soa = services.soa_freeze(user=security_manager)

    assert soa.number == 1
    assert soa.approval_state == ApprovalState.DRAFT
    assert soa.rows.count() == ISO_CONTROLS
    assert soa.summary == {
        "controls": ISO_CONTROLS,
        "applicable": 92,
        "excluded": 1,
        "undecided": 0,
        "implemented": 1,
        "inconsistent": 0,
        "evidence_conflicts": 1,
    }
    assert soa.rows.get(identifier="7.4").justification == "No premises"
    row = soa.rows.get(identifier="5.1")
    assert (row.risks, row.automated, row.implemented_rationale, row.evidence_conflict) == (
        ["R-001", "R-002"],
        {"checks": 1, "passed": 3, "failed": 1},
        "Failures are test buckets.",
        True,
    )
    assert soa.content_hash == hashlib.sha256(services.soa_content(soa).encode()).hexdigest()
    assert services.soa_freeze(user=security_manager).number == 2


def test_freeze_needs_an_soa_framework(db, security_manager):
    with pytest.raises(ValidationError):
        services.soa_freeze(user=security_manager)


def test_diff_against_the_previous_soa(iso, security_manager):
    soa_decide_all(iso)
    services.soa_freeze(user=security_manager)
    decide(iso, security_manager, "5.1", applicable=True, status="implemented")
    decide(iso, security_manager, "5.2", status="planned")
    second = services.soa_freeze(user=security_manager)
    previous, changes = selectors.soa_diff(second)
    assert previous.number == 1
    assert [(c.identifier, c.changes) for c in changes] == [
        ("5.1", [("status", "Not started", "Implemented")]),
        ("5.2", [("status", "Not started", "Planned")]),
    ]


def test_approval_by_management_other_than_the_submitter(iso, security_manager, manager):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    services.soa_submit(soa=soa, user=security_manager)
    with pytest.raises(approvals.ApprovalForbidden):
        services.soa_decide(soa=soa, user=security_manager, approve=True, password=PASSWORD)
    with pytest.raises(approvals.ReauthenticationFailed):
        services.soa_decide(soa=soa, user=manager, approve=True, password="wrong")
    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD, comment="Fine")
    soa.refresh_from_db()
    assert soa.approval_state == ApprovalState.APPROVED
    assert soa.approved_sha256 == soa.content_hash
    assert SoA.objects.current() == soa
    record = services.soa_approval_record(soa)
    assert record["decisions"][0]["by"] == str(manager)
    assert record["decisions"][0]["sha256"] == soa.content_hash


def test_a_manager_who_froze_the_soa_cannot_approve_it(iso, persona, manager):
    both = persona("security_manager")
    both.groups.add(*manager.groups.all())
    soa_decide_all(iso)
    soa = services.soa_freeze(user=both)
    services.soa_submit(soa=soa, user=both)
    with pytest.raises(approvals.SelfApprovalRefused):
        services.soa_decide(soa=soa, user=both, approve=True, password=PASSWORD)


def test_approving_a_newer_soa_supersedes_the_current_one(iso, security_manager, manager):
    first = approved_soa(iso, security_manager, manager)
    second = approved_soa(iso, security_manager, manager)
    first.refresh_from_db()
    assert first.approval_state == ApprovalState.SUPERSEDED
    assert SoA.objects.current() == second
    assert list(SoA.objects.filter(approval_state=ApprovalState.APPROVED)) == [second]


def test_workflow_through_the_pages(iso, security_manager, manager, client_as):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    client = client_as(security_manager)
    assert client.post(reverse("isms:soa_submit", args=[soa.number])).status_code == 302
    client = client_as(manager)
    page = client.get(reverse("isms:soa_detail", args=[soa.number]))
    # The one decision form (issue 20.2), posting to the request, back to the SoA.
    assert "Sign the decision" in page.content.decode()
    request = ApprovalRequest.objects.get(object_id=soa.pk, state="in_review")
    response = client.post(
        reverse("isms:approval_detail", args=[request.pk]),
        {
            "decision": "approve",
            "password": PASSWORD,
            "comment": "Good",
            "next": page.request["PATH_INFO"],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("isms:soa_detail", args=[soa.number])
    assert "Decision recorded: approved." in response.content.decode()
    soa.refresh_from_db()
    assert soa.is_current


def test_rejection_needs_a_comment(iso, security_manager, manager, client_as):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    services.soa_submit(soa=soa, user=security_manager)
    response = client_as(manager).post(
        reverse("isms:soa_decide", args=[soa.number]),
        {"decision": "reject", "password": PASSWORD},
        follow=True,
    )
    assert "a comment is required" in response.content.decode()
    soa.refresh_from_db()
    assert soa.approval_state == ApprovalState.IN_REVIEW


# --- Nothing changes a frozen SoA ------------------------------------------------------


@pytest.fixture
def frozen(iso, security_manager, manager):
    return approved_soa(iso, security_manager, manager)


def test_model_and_querysets_refuse_changes(frozen):
    row = frozen.rows.first()
    row.title = "Tampered"
    with pytest.raises(SoAFrozen):
        row.save()
    with pytest.raises(SoAFrozen):
        row.delete()
    with pytest.raises(SoAFrozen):
        SoARow.objects.filter(soa=frozen).update(status="implemented")
    with pytest.raises(SoAFrozen):
        SoARow.objects.filter(soa=frozen).delete()
    frozen.organisation = "Other"
    with pytest.raises(SoAFrozen):
        frozen.save()
    with pytest.raises(SoAFrozen):
        frozen.delete()
    with pytest.raises(SoAFrozen):
        SoA.objects.filter(pk=frozen.pk).update(content_hash="0" * 64)
    with pytest.raises(SoAFrozen):
        SoA.objects.all().delete()
    frozen.refresh_from_db()
    assert frozen.rows.get(pk=row.pk).title != "Tampered"
    assert hashlib.sha256(services.soa_content(frozen).encode()).hexdigest() == frozen.content_hash


def test_a_draft_soa_is_frozen_too(iso, security_manager):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    with pytest.raises(SoAFrozen):
        soa.save()
    with pytest.raises(SoAFrozen):
        soa.rows.first().save()


def test_changing_implementations_does_not_touch_a_frozen_soa(frozen, iso, security_manager):
    decide(iso, security_manager, "5.1", applicable=False, justification="changed later")
    assert frozen.rows.get(identifier="5.1").applicable is True


def test_admin_cannot_change_or_delete(frozen, admin_user, client_as):
    client = client_as(admin_user)
    change = reverse("admin:isms_soa_change", args=[frozen.pk])
    assert client.get(change).status_code == 200  # view only
    response = client.post(change, {"organisation": "Tampered"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:isms_soa_delete", args=[frozen.pk]), {"post": "yes"}).status_code
        == 403
    )
    row = frozen.rows.first()
    assert (
        client.post(reverse("admin:isms_soarow_change", args=[row.pk]), {"title": "x"}).status_code
        == 403
    )
    frozen.refresh_from_db()
    assert frozen.organisation != "Tampered"


def test_api_cannot_change_or_delete(frozen, security_manager, admin_user, client_as):
    for user in (security_manager, admin_user):
        client = client_as(user)
        url = f"/api/soas/{frozen.pk}/"
        assert client.put(url, {}, content_type="application/json").status_code == 405
        assert (
            client.patch(url, {"organisation": "x"}, content_type="application/json").status_code
            == 405
        )
        assert client.delete(url).status_code == 405
    assert SoA.objects.filter(pk=frozen.pk, organisation="x").count() == 0


def test_freeze_is_recorded(iso, security_manager):
    with audit.acting_as(security_manager):
        soa_decide_all(iso)
        soa = services.soa_freeze(user=security_manager)
    event = audit.history(soa).get(action=AuditAction.CREATE)
    assert event.actor == security_manager
    assert event.message == f"SoA #1 frozen ({ISO_CONTROLS} controls)"
