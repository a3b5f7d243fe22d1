"""The approval workflow's rules beyond the state table: re-authentication, quorum,
editors, content hashes, superseding, frozen versions, notifications, concurrency."""

import dataclasses
import hashlib
import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection

from isms import approvals, roles
from isms.governance import services
from isms.models import ApprovalRequest, AuditEvent, Notification, PolicyVersion
from isms.models.approvals import ApprovalState, ApprovedVersionFrozen
from tests.factories import PASSWORD, UserFactory
from tests.isms.governance.factories import make_version


@pytest.fixture
def submitted(security_manager):
    version = make_version(security_manager, body="Rule one.")
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    return version, request


def approve(request, user, password=PASSWORD, comment=""):
    return approvals.approval_request_approve(
        request=request, user=user, password=password, comment=comment
    )


@pytest.mark.django_db
def test_submission_snapshots_the_exact_content_and_its_hash(submitted):
    version, request = submitted
    assert request.content == version.canonical_text()
    assert request.content_sha256 == hashlib.sha256(request.content.encode()).hexdigest()
    assert request.state == ApprovalState.IN_REVIEW
    assert request.submitted_by.username == "security_manager"


@pytest.mark.django_db
def test_approval_records_approver_time_comment_and_hash(submitted, manager):
    version, request = submitted
    approve(request, manager, comment="Fine by me")
    version.refresh_from_db()
    request.refresh_from_db()
    decision = request.decisions.get()
    assert (decision.decided_by, decision.decision, decision.comment) == (
        manager,
        "approve",
        "Fine by me",
    )
    assert decision.decided_at.utcoffset().total_seconds() == 0
    assert decision.content_sha256 == request.content_sha256 == version.approved_sha256
    assert version.approval_state == ApprovalState.APPROVED
    assert request.state == ApprovalState.APPROVED
    assert AuditEvent.objects.filter(action="approve", actor=manager).exists()


@pytest.mark.django_db
def test_a_wrong_password_refuses_the_decision_and_is_logged(submitted, manager):
    version, request = submitted
    for password in ("wrong-password", ""):
        with pytest.raises(approvals.ReauthenticationFailed):
            approve(request, manager, password=password)
    request.refresh_from_db()
    version.refresh_from_db()
    assert request.state == ApprovalState.IN_REVIEW
    assert version.approval_state == ApprovalState.IN_REVIEW
    assert not request.decisions.exists()
    refusals = AuditEvent.objects.filter(message__startswith="Refused approve", actor=manager)
    assert refusals.count() == 2
    assert refusals.first().changes["reason"] == "ReauthenticationFailed"


@pytest.mark.django_db
def test_an_editor_who_is_also_management_cannot_approve(security_manager, manager):
    both = UserFactory(username="both", role=roles.SECURITY_MANAGER)
    both.groups.add(Group.objects.get(name=roles.MANAGEMENT))
    version = make_version(security_manager)
    services.policy_version_update(version=version, user=both, data={"body": "Edited by both."})
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    assert list(request.editors.all()) == [both]
    with pytest.raises(approvals.SelfApprovalRefused):
        approve(request, both)
    approve(request, manager)
    request.refresh_from_db()
    assert request.state == ApprovalState.APPROVED


@pytest.mark.django_db
def test_quorum_of_two_needs_two_different_approvers(submitted, manager):
    kind = approvals.type_for(PolicyVersion)
    with approvals.approvable_types.override() as types:
        types.replace(kind.key, dataclasses.replace(kind, default_quorum=2))
        _assert_quorum_of_two(submitted, manager)


def _assert_quorum_of_two(submitted, manager):
    version, _ = submitted
    version.refresh_from_db()
    # The quorum is fixed at submission; resubmit under the two-approver rule.
    PolicyVersion.objects.filter(pk=version.pk).update(approval_state=ApprovalState.DRAFT)
    request = approvals.approval_request_submit(obj=version, user=version.created_by)
    assert request.quorum == 2
    approve(request, manager)
    request.refresh_from_db()
    assert request.state == ApprovalState.IN_REVIEW
    with pytest.raises(approvals.ApprovalConflict, match="already decided"):
        approve(request, manager)
    second = UserFactory(username="manager2", role=roles.MANAGEMENT)
    approve(request, second)
    request.refresh_from_db()
    version.refresh_from_db()
    assert request.state == ApprovalState.APPROVED
    assert version.approval_state == ApprovalState.APPROVED
    assert request.decisions.count() == 2


@pytest.mark.django_db
def test_content_changed_behind_the_workflow_is_not_approved(submitted, manager):
    version, request = submitted
    PolicyVersion.objects.filter(pk=version.pk).update(body="Sneaky change.")
    with pytest.raises(approvals.ApprovalConflict, match="changed since it was submitted"):
        approve(request, manager)
    request.refresh_from_db()
    assert request.state == ApprovalState.IN_REVIEW


@pytest.mark.django_db
def test_rejection_and_changes_need_a_reason(submitted, manager):
    _, request = submitted
    with pytest.raises(approvals.ApprovalInvalid, match="comment is required"):
        approvals.approval_request_reject(
            request=request, user=manager, password=PASSWORD, comment=" "
        )


@pytest.mark.django_db
def test_changes_requested_lets_the_author_edit_and_resubmit(submitted, manager, security_manager):
    version, request = submitted
    with pytest.raises(approvals.ApprovalConflict):
        services.policy_version_update(version=version, user=security_manager, data={"body": "x"})
    approvals.approval_request_request_changes(
        request=request, user=manager, password=PASSWORD, comment="Add a rule on MFA."
    )
    services.policy_version_update(
        version=version, user=security_manager, data={"body": "Rule one.\n\nUse MFA."}
    )
    again = approvals.approval_request_submit(obj=version, user=security_manager)
    approve(again, manager)
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.APPROVED
    assert "Use MFA." in again.content


@pytest.mark.django_db
def test_approving_a_new_version_supersedes_the_previous_one(submitted, manager, security_manager):
    v1, r1 = submitted
    approve(r1, manager)
    v2 = services.policy_version_create(policy=v1.policy, user=security_manager)
    services.policy_version_update(version=v2, user=security_manager, data={"body": "Rule two."})
    r2 = approvals.approval_request_submit(obj=v2, user=security_manager)
    assert approvals.previous_approved_request(r2) == r1
    approve(r2, manager)
    v1.refresh_from_db()
    r1.refresh_from_db()
    assert v1.approval_state == ApprovalState.SUPERSEDED
    assert r1.state == ApprovalState.SUPERSEDED
    assert r1.superseded_by == r2
    assert PolicyVersion.objects.get(pk=v2.pk).approval_state == ApprovalState.APPROVED


@pytest.mark.django_db
def test_an_approved_version_cannot_be_changed_by_save_delete_or_service(
    submitted, manager, security_manager
):
    version, request = submitted
    approve(request, manager)
    version.refresh_from_db()
    stale = PolicyVersion.objects.get(pk=version.pk)
    stale.approval_state = ApprovalState.DRAFT  # a stale or forged instance
    stale.body = "Rewritten"
    with pytest.raises(ApprovedVersionFrozen):
        stale.save()
    with pytest.raises(ApprovedVersionFrozen):
        version.delete()
    with pytest.raises(ApprovedVersionFrozen):
        services.policy_version_update(version=version, user=security_manager, data={"body": "x"})
    assert PolicyVersion.objects.get(pk=version.pk).body == "Rule one."


@pytest.mark.django_db
def test_approvers_are_notified_on_submit_and_the_submitter_on_decision(
    security_manager, manager, auditor, django_capture_on_commit_callbacks, monkeypatch
):
    from isms.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    version = make_version(security_manager)
    with django_capture_on_commit_callbacks(execute=True):
        request = approvals.approval_request_submit(obj=version, user=security_manager)
    assert [n.user for n in Notification.objects.all()] == [manager]
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "Approval requested" in mail.outbox[0].subject
    assert f"/approvals/{request.pk}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        approve(request, manager)
    assert mail.outbox[-1].to == [security_manager.email]
    assert mail.outbox[-1].subject.endswith(f"Approved: {request.title}")
    # The e-mail task is idempotent: running it again sends nothing.
    from isms.governance.tasks import send_notification_email

    sent = len(mail.outbox)
    for notification in Notification.objects.all():
        send_notification_email(notification.pk)
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_nothing_is_sent_before_commit(
    security_manager, manager, django_capture_on_commit_callbacks
):
    version = make_version(security_manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approvals.approval_request_submit(obj=version, user=security_manager)
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_pending_for_lists_only_what_the_user_may_decide(submitted, manager, security_manager):
    _, request = submitted
    assert list(approvals.pending_for(manager)) == [request]
    assert list(approvals.pending_for(security_manager)) == []
    approve(request, manager)
    assert list(approvals.pending_for(manager)) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_exactly_one_wins():
    """Two managers approve the same request at the same moment, each in its own thread
    and database connection. PostgreSQL: the row lock (select_for_update) serialises
    them. SQLite: the IMMEDIATE transaction takes the write lock at BEGIN, with the
    same outcome. Either way exactly one decision is recorded."""
    author = UserFactory(username="author", role=roles.SECURITY_MANAGER)
    first = UserFactory(username="m1", role=roles.MANAGEMENT)
    second = UserFactory(username="m2", role=roles.MANAGEMENT)
    version = make_version(author)
    request = approvals.approval_request_submit(obj=version, user=author)
    barrier = threading.Barrier(2)
    results = {}

    def decide(user):
        try:
            barrier.wait(timeout=10)
            approve(ApprovalRequest.objects.get(pk=request.pk), user)
            results[user.username] = "approved"
        except approvals.ApprovalConflict as exc:
            results[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(u,)) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(r).__name__ if not isinstance(r, str) else r for r in results.values()) == [
        "ApprovalConflict",
        "approved",
    ]
    request.refresh_from_db()
    assert request.state == ApprovalState.APPROVED
    assert request.decisions.count() == 1


@pytest.mark.django_db
def test_the_admin_cannot_change_or_delete_an_approved_version(
    submitted, manager, admin_user, client_as
):
    version, request = submitted
    approve(request, manager)
    client = client_as(admin_user)
    change = f"/admin/isms/policyversion/{version.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and b"Save" not in page.content  # read-only view
    client.post(change, {"body": "Forged", "change_summary": "x", "policy": version.policy_id})
    assert (
        client.post(f"/admin/isms/policyversion/{version.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert PolicyVersion.objects.get(pk=version.pk).body == "Rule one."
