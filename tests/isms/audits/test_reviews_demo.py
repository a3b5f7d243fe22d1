"""The demo management review: approved, its inputs taken from the demo data, idempotent."""

import io

import pytest

from assets.demo import inventory as assets_demo
from isms.audits.demo import reviews as demo
from isms.audits.models.reviews import ManagementReview
from isms.demo import users as users_demo
from isms.models.approvals import ApprovalState
from risks.demo import register as risks_demo
from risks.models import Risk

pytestmark = pytest.mark.django_db


def test_the_demo_review_is_approved_with_inputs_from_the_demo_data():
    out = io.StringIO()
    users_demo.load(out)
    assets_demo.load(out)
    risks_demo.load(out)
    demo.load(out)
    review = ManagementReview.objects.get()
    assert review.approval_state == ApprovalState.APPROVED
    assert review.reference.startswith("MR-") and review.decisions.count() == 3
    risks = next(i for i in review.inputs if i["key"] == "risk_results")
    total = next(f["value"] for f in risks["data"]["figures"] if f["label"] == "Risks")
    assert total == Risk.objects.count() >= 30
    assert review.decisions.filter(status="done").count() == 1
    demo.load(out)
    assert ManagementReview.objects.count() == 1
