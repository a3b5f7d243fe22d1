"""Every (state, action, role, is-submitter) combination of the approval workflow.

The expected outcome is written out from the rules in docs/governance.md, not derived
from the code: only security managers submit, and only drafts or versions sent back;
only management decides, only requests in review, and never what they submitted.
"""

import itertools

import pytest

from isms import approvals
from isms.models import ApprovalRequest, AuditEvent
from isms.models.approvals import ApprovalState
from tests.conftest import make_persona
from tests.factories import PASSWORD
from tests.isms.governance.factories import force_state, make_version

STATES = [s.value for s in ApprovalState]
ACTIONS = ["submit", "approve", "reject", "request_changes"]
ROLES = ["security_manager", "manager", "auditor", "outsider"]

S = ApprovalState
OK = "ok"
FORBIDDEN = approvals.ApprovalForbidden
SELF = approvals.SelfApprovalRefused
CONFLICT = approvals.ApprovalConflict
NO_REQUEST = "no request to decide"

RESULT_STATE = {
    "submit": S.IN_REVIEW,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "request_changes": S.CHANGES_REQUESTED,
}


def expected(state, action, role, is_submitter):
    if action == "submit":
        if role != "security_manager":
            return FORBIDDEN
        return OK if state in (S.DRAFT, S.CHANGES_REQUESTED) else CONFLICT
    if state == S.DRAFT:
        return NO_REQUEST
    if role != "manager":
        return FORBIDDEN
    if is_submitter:
        return SELF
    return OK if state == S.IN_REVIEW else CONFLICT


CASES = list(itertools.product(STATES, ACTIONS, ROLES, [True, False]))


def test_the_table_covers_every_combination():
    assert len(CASES) == 6 * 4 * 4 * 2
    outcomes = {expected(*case) for case in CASES}
    assert outcomes == {OK, FORBIDDEN, SELF, CONFLICT, NO_REQUEST}


def _run(action, *, version, request, user):
    if action == "submit":
        return approvals.approval_request_submit(obj=version, user=user, comment="please")
    decide = {
        "approve": approvals.approval_request_approve,
        "reject": approvals.approval_request_reject,
        "request_changes": approvals.approval_request_request_changes,
    }[action]
    return decide(request=request, user=user, password=PASSWORD, comment="reasons")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action", "role", "is_submitter"),
    CASES,
    ids=[f"{s}-{a}-{r}-{'submitter' if m else 'other'}" for s, a, r, m in CASES],
)
def test_workflow_combination(state, action, role, is_submitter):
    user = make_persona(role)
    author = user if is_submitter else make_persona("admin")
    version = make_version(author)
    request = force_state(version, state, submitter=author)
    outcome = expected(state, action, role, is_submitter)

    if outcome == NO_REQUEST:
        assert request is None
        assert not ApprovalRequest.objects.filter(object_id=version.pk).exists()
        assert version.approval_state == S.DRAFT
        return
    if outcome == OK:
        _run(action, version=version, request=request, user=user)
        version.refresh_from_db()
        assert version.approval_state == RESULT_STATE[action]
        return

    events_before = AuditEvent.objects.count()
    with pytest.raises(outcome):
        _run(action, version=version, request=request, user=user)
    version.refresh_from_db()
    assert version.approval_state == state  # nothing changed
    if request is not None:
        request.refresh_from_db()
        assert request.state == state
        assert not request.decisions.exists()
    if outcome in (FORBIDDEN, SELF) and action != "submit":
        refused = AuditEvent.objects.order_by("-pk").first()
        assert AuditEvent.objects.count() == events_before + 1
        assert refused.message.startswith("Refused")
        assert refused.actor == user
