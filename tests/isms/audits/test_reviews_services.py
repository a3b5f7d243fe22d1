"""Management review (9.3): the frozen input snapshot, decisions and their follow-up,
and the approval rules (the preparer never approves; approved = frozen and hashed)."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError

from isms import approvals
from isms.audits import review_inputs
from isms.audits.models.reviews import ActionStatus, ManagementReview, ReviewDecision
from isms.audits.services import reviews as services
from isms.models import AuditEvent
from isms.models.approvals import ApprovalState, ApprovedVersionFrozen
from risks.models import Risk
from tests.factories import PASSWORD, UserFactory
from tests.isms.audits.reviews_helpers import approve, decide, prepare

pytestmark = pytest.mark.django_db


def _input(review, key):
    return next(item for item in review.inputs if item["key"] == key)


def _figure(item, label):
    return next(f["value"] for f in item["data"]["figures"] if f["label"] == label)


def _risk(number, **fields):
    return Risk.objects.create(
        number=number, ref=f"R-{number:03d}", title=f"Risk {number}", **fields
    )


def test_preparing_numbers_the_review_per_year_and_snapshots_every_input(security_manager):
    first = prepare(security_manager)
    second = prepare(security_manager)
    other_year = prepare(security_manager, held_on=datetime.date(2027, 1, 5))
    assert [first.reference, second.reference, other_year.reference] == [
        "MR-2026-01", "MR-2026-02", "MR-2027-01",
    ]  # fmt: skip
    keys = [item["key"] for item in first.inputs]
    assert keys == [item.key for item in review_inputs.ordered()]
    for key in ("previous_actions", "security_posture", "risk_results", "control_assurance",
                "measurement_results", "overdue_reviews"):  # fmt: skip
        assert key in keys
    assert first.inputs_taken_at is not None and first.inputs_taken_by == security_manager
    assert all(isinstance(i["data"]["summary"], str) for i in first.inputs)


def test_the_snapshot_matches_the_data_then_and_does_not_move_afterwards(security_manager, manager):
    _risk(1, treatment="")
    _risk(2, treatment="mitigate")
    review = prepare(security_manager, attendees=[manager])
    risks = _input(review, "risk_results")
    assert _figure(risks, "Risks") == 2
    assert _figure(risks, "Without a treatment decision") == 1

    _risk(3, treatment="")  # the data moves after the snapshot...
    review.refresh_from_db()
    assert _figure(_input(review, "risk_results"), "Risks") == 2  # ...the snapshot does not

    before = review.inputs_taken_at
    review = services.review_inputs_take(review=review, user=security_manager)
    assert _figure(_input(review, "risk_results"), "Risks") == 3
    assert review.inputs_taken_at > before
    event = AuditEvent.objects.filter(object_id=str(review.pk)).order_by("-pk").first()
    assert "re-taken" in event.message and before.isoformat() in event.message

    approve(review, security_manager, manager)
    _risk(4)
    review.refresh_from_db()
    assert _figure(_input(review, "risk_results"), "Risks") == 3
    with pytest.raises(ApprovedVersionFrozen):
        services.review_inputs_take(review=review, user=security_manager)


def test_previous_reviews_actions_feed_the_next_review(security_manager, manager):
    owner = UserFactory(username="action-owner")
    first = prepare(security_manager, attendees=[manager])
    late = decide(first, security_manager, owner, due=datetime.date(2020, 1, 1))
    decide(first, security_manager, owner, due=datetime.date(2099, 1, 1))
    approve(first, security_manager, manager)
    services.decision_track(
        decision=late, user=security_manager, data={"status": ActionStatus.DONE}
    )
    nxt = prepare(security_manager, held_on=datetime.date(2027, 3, 1))
    actions = _input(nxt, "previous_actions")
    assert _figure(actions, "Actions decided") == 2
    assert _figure(actions, "Done") == 1
    assert _figure(actions, "Open") == 1
    assert {row["action"] for row in actions["data"]["rows"]} == {"MR-2026-01/D1", "MR-2026-01/D2"}


def test_the_preparer_and_the_decision_authors_cannot_approve(security_manager, manager):
    author = UserFactory(username="second-manager", role="Management")
    review = prepare(author, attendees=[manager])
    request = services.review_submit(review=review, user=security_manager)
    with pytest.raises(approvals.SelfApprovalRefused):
        approvals.approval_request_approve(request=request, user=author, password=PASSWORD)
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    review.refresh_from_db()
    assert review.approval_state == ApprovalState.APPROVED
    assert review.approved_by == manager
    digest = hashlib.sha256(review.canonical_json().encode()).hexdigest()
    assert review.approved_sha256 == digest


def test_an_attendee_who_did_not_prepare_may_approve(security_manager, manager):
    review = prepare(security_manager, attendees=[manager])
    assert approve(review, security_manager, manager).approval_state == ApprovalState.APPROVED


def test_submitting_an_incomplete_review_names_what_is_missing(security_manager):
    review = prepare(security_manager, minutes="")
    services.review_update(review=review, user=security_manager, data={"guests": ""})
    with pytest.raises(approvals.ContentIncomplete, match="write the minutes"):
        services.review_submit(review=review, user=security_manager)
    review.refresh_from_db()
    assert review.approval_state == ApprovalState.DRAFT


def test_an_approved_review_is_immutable_but_its_actions_are_tracked(security_manager, manager):
    review = prepare(security_manager, attendees=[manager])
    decision = decide(review, security_manager, manager)
    with pytest.raises(ValidationError, match="once its review is approved"):
        services.decision_track(decision=decision, user=security_manager, data={"status": "done"})
    approve(review, security_manager, manager)
    with pytest.raises(ApprovedVersionFrozen):
        services.review_update(review=review, user=security_manager, data={"minutes": "x"})
    with pytest.raises(ApprovedVersionFrozen):
        decide(review, security_manager, manager)
    with pytest.raises(ApprovedVersionFrozen):
        services.decision_update(
            decision=decision, user=security_manager, data={"description": "x"}
        )
    with pytest.raises(ValidationError, match="cancelled"):
        services.decision_track(
            decision=decision, user=security_manager, data={"status": "cancelled"}
        )
    future = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="future"):
        services.decision_track(
            decision=decision, user=security_manager, data={"status": "done", "done_on": future}
        )
    decision = services.decision_track(
        decision=decision, user=security_manager, data={"status": ActionStatus.DONE}
    )
    assert decision.done_on == datetime.date.today()
    review.refresh_from_db()
    assert review.approved_sha256 == hashlib.sha256(review.canonical_json().encode()).hexdigest()


def test_a_stale_edit_is_refused(security_manager):
    from isms.errors import StaleVersion

    review = prepare(security_manager)
    services.review_update(review=review, user=security_manager, data={"minutes": "one"},
                           expected_version=1)  # fmt: skip
    with pytest.raises(StaleVersion):
        services.review_update(review=review, user=security_manager, data={"minutes": "two"},
                               expected_version=1)  # fmt: skip
    assert ManagementReview.objects.get(pk=review.pk).minutes == "one"


def test_overdue_actions_and_the_next_review_are_due(security_manager, manager, settings):
    from isms.governance import reviews

    settings.MANAGEMENT_REVIEW_INTERVAL_MONTHS = 6
    review = prepare(security_manager, attendees=[manager], held_on=datetime.date(2020, 3, 1))
    decide(review, security_manager, manager, due=datetime.date(2020, 6, 1))
    approve(review, security_manager, manager)
    due = reviews.due(datetime.date.today())
    kinds = {(str(item.kind), item.due) for item in due}
    assert ("Management review", datetime.date(2020, 9, 1)) in kinds
    assert ("Management review action", datetime.date(2020, 6, 1)) in kinds
    assert reviews.reviews_remind() >= 2
    assert reviews.reviews_remind() == 0  # once per due date


@pytest.mark.postgres
def test_postgresql_refuses_raw_changes_to_an_approved_review(security_manager, manager):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    review = prepare(security_manager, attendees=[manager])
    decision = decide(review, security_manager, manager)
    approve(review, security_manager, manager)

    def raw(sql, params):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    for sql, params in (
        ("UPDATE audits_managementreview SET minutes = 'forged' WHERE id = %s", [review.pk]),
        ("UPDATE audits_managementreview SET inputs = '[]' WHERE id = %s", [review.pk]),
        ("DELETE FROM audits_managementreview_attendees WHERE managementreview_id = %s",
         [review.pk]),
        ("INSERT INTO audits_managementreview_attendees (managementreview_id, user_id) "
         "VALUES (%s, %s)", [review.pk, security_manager.pk]),
        ("UPDATE audits_reviewdecision SET description = 'forged' WHERE id = %s", [decision.pk]),
        ("DELETE FROM audits_reviewdecision WHERE id = %s", [decision.pk]),
    ):  # fmt: skip
        with pytest.raises((IntegrityError, InternalError), match="frozen"):
            raw(sql, params)
    raw("UPDATE audits_reviewdecision SET status = 'done' WHERE id = %s", [decision.pk])
    assert ReviewDecision.objects.get(pk=decision.pk).status == "done"
    assert ManagementReview.objects.get(pk=review.pk).minutes == "We reviewed the ISMS."


def test_the_snapshot_keeps_the_columns_in_the_inputs_order(security_manager):
    from isms.audits.review_inputs import ReviewInput
    from isms.audits.selectors_reviews import snapshot_tables

    def collect():
        return {"summary": "s", "figures": [], "rows": [{"title": "T", "owner": "O", "a": 1}]}

    item = ReviewInput("column_order", "9.3.2 g)", "Column order", collect, order=999)
    with review_inputs.inputs.override([*review_inputs.inputs, item]):
        review = prepare(security_manager)
    review.refresh_from_db()  # as stored: jsonb sorts an object's keys
    (table,) = [t for t in snapshot_tables(review) if t["key"] == "column_order"]
    assert table["header"] == ["Title", "Owner", "A"]
    assert table["rows"] == [["T", "O", "1"]]
