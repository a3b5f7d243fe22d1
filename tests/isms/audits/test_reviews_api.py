"""/api/management-reviews/ and /api/management-review-decisions/: the contract (400
invalid, 409 frozen/stale/conflict), the submit path and the decisions."""

import datetime

import pytest
from rest_framework.test import APIClient

from isms import approvals
from isms.audits.models.reviews import ManagementReview
from tests.factories import PASSWORD
from tests.isms.audits.reviews_helpers import approve, decide, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_prepare_edit_decide_and_submit_through_the_api(api, security_manager, manager):
    client = api(security_manager)
    response = client.post(
        "/api/management-reviews/",
        {"title": "Q1 review", "held_on": "2026-03-10", "attendees": [manager.pk],
         "minutes": "Reviewed.", "guests": ""},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "MR-2026-01"
    assert {i["key"] for i in body["inputs"]} >= {"previous_actions", "risk_results"}
    pk = body["id"]

    stale = client.patch(f"/api/management-reviews/{pk}/", {"minutes": "x", "version": 7},
                         format="json")  # fmt: skip
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    ok = client.patch(f"/api/management-reviews/{pk}/", {"minutes": "Better.", "version": 1},
                      format="json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["version"] == 2

    invalid = client.post(f"/api/management-reviews/{pk}/decisions/", {"kind": "nonsense"},
                          format="json")  # fmt: skip
    assert invalid.status_code == 400 and "kind" in invalid.json()["errors"]
    decision = client.post(
        f"/api/management-reviews/{pk}/decisions/",
        {"kind": "resources", "description": "Hire a cloud engineer.", "owner": manager.pk,
         "due_date": "2026-12-31"},
        format="json",
    )  # fmt: skip
    assert decision.status_code == 201 and decision.json()["reference"] == "MR-2026-01/D1"

    retaken = client.post(f"/api/management-reviews/{pk}/inputs/")
    assert retaken.status_code == 200
    assert retaken.json()["inputs_taken_at"] != body["inputs_taken_at"]

    submitted = client.post(f"/api/management-reviews/{pk}/submit/", {"comment": "Please."},
                            format="json")  # fmt: skip
    assert submitted.status_code == 201
    again = client.post(f"/api/management-reviews/{pk}/submit/", {}, format="json")
    assert again.status_code == 409
    frozen_edit = client.patch(f"/api/management-reviews/{pk}/", {"minutes": "late"},
                               format="json")  # fmt: skip
    assert frozen_edit.status_code == 409

    decided = api(manager).post(
        f"/api/approval-requests/{submitted.json()['approval_request']}/approve/",
        {"password": PASSWORD},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    assert ManagementReview.objects.get(pk=pk).approval_state == "approved"

    # The approved review is frozen; its action is followed up.
    decision_id = decision.json()["id"]
    refused = client.patch(f"/api/management-review-decisions/{decision_id}/",
                           {"description": "changed"}, format="json")  # fmt: skip
    assert refused.status_code == 409 and refused.json()["code"] == "frozen"
    tracked = client.patch(f"/api/management-review-decisions/{decision_id}/",
                           {"status": "done"}, format="json")  # fmt: skip
    assert tracked.status_code == 200 and tracked.json()["status"] == "done"
    listed = client.get(f"/api/management-review-decisions/{decision_id}/").json()
    assert listed["description"] == "Hire a cloud engineer."  # as approved
    gone = client.delete(f"/api/management-review-decisions/{decision_id}/")
    assert gone.status_code == 409


def test_an_incomplete_review_is_not_submitted(api, security_manager):
    review = prepare(security_manager, minutes="")
    response = api(security_manager).post(f"/api/management-reviews/{review.pk}/submit/", {},
                                          format="json")  # fmt: skip
    assert response.status_code == 400
    assert "minutes" in response.json()["detail"] + str(response.json()["errors"])


def test_the_preparer_cannot_approve_through_the_api(api, security_manager, manager):
    review = prepare(manager, attendees=[security_manager])
    request = approvals.approval_request_submit(obj=review, user=security_manager)
    response = api(manager).post(
        f"/api/approval-requests/{request.pk}/approve/", {"password": PASSWORD}, format="json"
    )
    assert response.status_code == 403


def test_lists_have_a_query_budget(api, security_manager, manager, django_assert_max_num_queries):
    for day in range(1, 6):
        review = prepare(security_manager, held_on=datetime.date(2026, 1, day))
        decide(review, security_manager, manager)
    client = api(manager)
    with django_assert_max_num_queries(12):
        assert client.get("/api/management-reviews/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/management-review-decisions/").status_code == 200


def test_pages_show_the_snapshot_and_lists_have_a_query_budget(
    client_as, security_manager, manager, django_assert_max_num_queries
):
    review = prepare(security_manager, attendees=[manager])
    decide(review, security_manager, manager)
    approve(review, security_manager, manager)
    for day in range(1, 5):
        prepare(security_manager, held_on=datetime.date(2026, 2, day))
    client = client_as(manager)
    page = client.get(f"/audits/reviews/{review.pk}/").content.decode()
    assert "Risk assessment results" in page and "9.3.2 f)" in page
    assert "Status of actions from previous management reviews" in page
    with django_assert_max_num_queries(25):
        assert client.get("/audits/reviews/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/audits/reviews/actions/").status_code == 200
    assert client.get("/audits/reviews/actions/?export=csv").status_code == 200


def test_pages_prepare_decide_and_submit(client_as, security_manager, manager):
    client = client_as(security_manager)
    response = client.post(
        "/audits/reviews/new/",
        {"title": "Page review", "held_on": "2026-04-01", "attendees": [manager.pk],
         "guests": "", "minutes": "Minutes."},
    )  # fmt: skip
    review = ManagementReview.objects.get(title="Page review")
    assert response.status_code == 302 and review.inputs
    client.post(
        f"/audits/reviews/{review.pk}/decisions/",
        {"kind": "change", "description": "Extend the scope.", "owner": manager.pk,
         "due_date": "2026-10-01"},
    )  # fmt: skip
    assert review.decisions.count() == 1
    client.post(f"/audits/reviews/{review.pk}/submit/", {"comment": ""})
    review.refresh_from_db()
    assert review.approval_state == "in_review"
    edit = client.get(f"/audits/reviews/{review.pk}/edit/")
    assert edit.status_code == 302  # not editable any more: back to the review


def test_the_approver_reads_the_review_not_json(client_as, security_manager, manager):
    review = prepare(security_manager, attendees=[manager])
    decide(review, security_manager, manager)
    request = approvals.approval_request_submit(obj=review, user=security_manager)
    page = client_as(manager).get(f"/approvals/{request.pk}/").content.decode()
    assert "Automate the quarterly access review." in page
    assert "Risk assessment results and risk treatment plan status" in page
    assert '"inputs_taken_at"' not in page
