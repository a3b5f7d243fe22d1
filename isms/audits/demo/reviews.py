"""Demo management review: one review held a month ago, its inputs taken from the demo
data loaded before it (risks, posture, assurance, measures...), minutes, three
decisions, approved by Management; one of its actions already done. Idempotent:
skipped when a review exists. Runs after every other demo module (DEMO_MODULES)."""

import datetime

from django.utils import timezone

from isms import approvals
from isms.audits.models.reviews import ActionStatus, DecisionKind, ManagementReview
from isms.audits.services import reviews as services
from isms.demo.governance import PASSWORDS
from isms.models import User

MINUTES = """Opened by the managing director. The security manager presented the inputs
(snapshot attached to this record): the status of last year's actions, the security
posture of the AWS estate, the risk register and its treatment plan, control testing
and the measures against their targets.

- The posture improved since the last review, but critical findings still take too long
  to close; the treatment plan has actions past their due date.
- Control 8.8 (technical vulnerabilities) was found not effective in the last test.
- The ISMS remains suitable, adequate and effective for the current scope; the scope
  does not change this year.
"""

DECISIONS = [
    (DecisionKind.IMPROVEMENT, "Automate patching of the production fleet so that critical "
     "vulnerabilities are fixed within the 14-day target.", "security", 60),
    (DecisionKind.RESOURCES, "Fund a half-time cloud security engineer from next quarter.",
     "director", 90),
    (DecisionKind.CHANGE, "Add the supplier onboarding process to the internal audit "
     "programme.", "security", -10),
]  # fmt: skip


def load(stdout) -> None:
    if ManagementReview.objects.exists():
        stdout.write("Management review: already loaded.")
        return
    security = User.objects.get(username="security")
    manager = User.objects.get(username="manager")
    director = User.objects.filter(username="director").first() or manager
    today = timezone.localdate()
    held_on = today - datetime.timedelta(days=30)
    review = services.review_create(
        user=security,
        data={
            "title": "Annual management review",
            "held_on": held_on,
            "attendees": [manager, director, security],
            "guests": "Chris Consultant (external ISMS adviser)",
            "minutes": MINUTES,
        },
    )
    decisions = []
    for kind, text, owner, days in DECISIONS:
        owner_user = User.objects.filter(username=owner).first() or security
        decisions.append(
            services.decision_add(
                review=review,
                user=security,
                data={
                    "kind": kind,
                    "description": text,
                    "owner": owner_user,
                    "due_date": held_on + datetime.timedelta(days=days + 30),
                },
            )
        )
    request = services.review_submit(review=review, user=security, comment="Minutes agreed.")
    approvals.approval_request_approve(
        request=request,
        user=manager,
        password=PASSWORDS[manager.username],
        comment="Agreed at the meeting.",
    )
    services.decision_track(
        decision=decisions[2],
        user=security,
        data={"status": ActionStatus.DONE, "status_note": "Added to this year's programme."},
    )
    stdout.write(f"  {review.reference} approved with {len(decisions)} decisions")
