"""Builders shared by the management-review tests."""

import datetime

from isms import approvals
from isms.audits.models.reviews import DecisionKind
from isms.audits.services import reviews as services
from tests.factories import PASSWORD


def prepare(user, *, held_on=None, attendees=(), minutes="We reviewed the ISMS."):
    return services.review_create(
        user=user,
        data={
            "title": "Annual management review",
            "held_on": held_on or datetime.date(2026, 3, 10),
            "attendees": list(attendees),
            "guests": "External adviser",
            "minutes": minutes,
        },
    )


def decide(review, user, owner, *, due=None, kind=DecisionKind.IMPROVEMENT):
    return services.decision_add(
        review=review,
        user=user,
        data={
            "kind": kind,
            "description": "Automate the quarterly access review.",
            "owner": owner,
            "due_date": due or datetime.date(2026, 6, 30),
        },
    )


def approve(review, submitter, approver):
    request = services.review_submit(review=review, user=submitter)
    approvals.approval_request_approve(request=request, user=approver, password=PASSWORD)
    review.refresh_from_db()
    return review
