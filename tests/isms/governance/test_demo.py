"""The governance demo: what the issue promises the demo shows, loaded twice."""

import io

import pytest
from django.utils import timezone

from isms.demo import governance as demo
from isms.demo import users as users_demo
from isms.models import ApprovalRequest, Policy, PolicyAcknowledgement, ScopeVersion
from isms.models.approvals import ApprovalState


@pytest.mark.django_db
def test_demo_has_approved_scope_published_policy_waiting_policy_and_overdue_review():
    out = io.StringIO()
    users_demo.load(out)
    demo.load(out)
    demo.load(out)  # idempotent
    assert ScopeVersion.objects.get().approval_state == ApprovalState.APPROVED
    isms_policy = Policy.objects.get(reference="POL-01")
    assert isms_policy.published_version.approval_state == ApprovalState.APPROVED
    assert PolicyAcknowledgement.objects.filter(version=isms_policy.published_version).count() == 3
    waiting = ApprovalRequest.objects.get(state=ApprovalState.IN_REVIEW)
    assert waiting.title.startswith("POL-02")
    assert Policy.objects.get(reference="POL-03").next_review_due < timezone.localdate()
    assert Policy.objects.count() == 3
