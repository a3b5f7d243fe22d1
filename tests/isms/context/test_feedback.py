"""Feedback from interested parties (9.3.2 e): recorded from the page and the API through
`record_save` (closing needs the response, nothing half-saved), read by every role that
reads the context, and summarised as a management-review input since the period start
in a fixed number of queries."""

import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from isms.audits.review_inputs import inputs
from isms.context import review_inputs, services
from isms.context.demo import context as demo
from isms.context.models import InterestedParty, PartyFeedback
from isms.models import AuditEvent
from tests.factories import UserFactory
from tests.isms.context.factories import make_feedback, make_party

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _form(party, **fields) -> dict:
    return {
        "party": party.pk,
        "received_on": TODAY.isoformat(),
        "kind": "complaint",
        "summary": "Questionnaire answered late.",
        "response": "",
        **fields,
    }


# --- Pages ---------------------------------------------------------------------------


def test_feedback_is_recorded_and_closed_from_the_forms(client_as, security_manager):
    client = client_as(security_manager)
    party = make_party(name="Acme Bank")
    response = client.post("/context/feedback/new/", _form(party))
    assert response.status_code == 302 and response.url == "/context/feedback/"
    feedback = PartyFeedback.objects.get()
    assert (feedback.party, feedback.kind, feedback.closed) == (party, "complaint", False)
    assert AuditEvent.objects.filter(object_repr=str(feedback), action="create").exists()

    answer = "Answers now come from the approved SoA."
    response = client.post(
        f"/context/feedback/{feedback.pk}/edit/", _form(party, response=answer, closed="on")
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.closed and feedback.response == answer

    page = client.get("/context/feedback/").content.decode()
    assert "Acme Bank" in page and "Questionnaire answered late." in page
    assert f"/context/feedback/{feedback.pk}/edit/" in page


def test_closing_without_a_response_is_refused_at_the_field(client_as, security_manager):
    party = make_party()
    response = client_as(security_manager).post("/context/feedback/new/", _form(party, closed="on"))
    assert response.status_code == 200
    assert "response" in response.context["form"].errors
    assert "Record the response or action taken" in response.content.decode()
    assert not PartyFeedback.objects.exists()


def test_the_list_is_read_only_for_the_auditor(client_as, auditor):
    feedback = make_feedback()
    client = client_as(auditor)
    page = client.get("/context/feedback/").content.decode()
    assert feedback.summary in page
    assert "/context/feedback/new/" not in page and "/edit/" not in page
    assert client.get("/context/feedback/new/").status_code == 403


def test_the_list_filters_and_keeps_a_query_budget(
    client_as, security_manager, django_assert_max_num_queries
):
    for n in range(12):
        make_feedback(kind="compliment" if n % 2 else "complaint", summary=f"Note {n}")
    client = client_as(security_manager)
    with django_assert_max_num_queries(20):
        page = client.get("/context/feedback/?kind=compliment").content.decode()
    assert "Note 1<" in page and "Note 0<" not in page


# --- API -----------------------------------------------------------------------------


def test_the_api_creates_updates_and_refuses_closing_without_response(client_as, security_manager):
    client = client_as(security_manager)
    party = make_party()
    body = {"party": party.pk, "received_on": TODAY.isoformat(), "kind": "request",
            "summary": "Send us your pen-test summary."}  # fmt: skip
    created = _post(client, "/api/party-feedback/", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    refused = client.patch(
        f"/api/party-feedback/{pk}/", {"closed": True}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "response" in json.dumps(refused.json())
    assert PartyFeedback.objects.get(pk=pk).closed is False

    done = client.patch(
        f"/api/party-feedback/{pk}/",
        {"closed": True, "response": "Summary sent under NDA."},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["closed"] is True
    listed = client.get("/api/party-feedback/?closed=true").json()
    assert [row["id"] for row in listed["results"]] == [pk]


def test_an_unknown_kind_is_refused_by_the_api(client_as, security_manager):
    body = {"party": make_party().pk, "received_on": TODAY.isoformat(), "kind": "rumour",
            "summary": "x"}  # fmt: skip
    response = _post(client_as(security_manager), "/api/party-feedback/", body)
    assert response.status_code == 400 and "kind" in json.dumps(response.json())
    assert not PartyFeedback.objects.exists()


def test_the_auditor_reads_but_does_not_write_through_the_api(client_as, auditor):
    feedback = make_feedback()
    client = client_as(auditor)
    assert client.get(f"/api/party-feedback/{feedback.pk}/").json()["summary"] == feedback.summary
    body = {"party": feedback.party_id, "received_on": TODAY.isoformat(), "kind": "other",
            "summary": "x"}  # fmt: skip
    assert _post(client, "/api/party-feedback/", body).status_code == 403


def test_a_party_with_feedback_is_not_deleted(client_as, security_manager):
    feedback = make_feedback()
    response = client_as(security_manager).delete(f"/api/interested-parties/{feedback.party_id}/")
    assert response.status_code == 400
    assert "feedback from interested parties" in json.dumps(response.json())
    assert InterestedParty.objects.filter(pk=feedback.party_id).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()


# --- Management-review input ---------------------------------------------------------


def _collect() -> dict:
    return inputs["party_feedback"].collect()


def test_the_input_is_registered_after_objectives():
    entry = inputs["party_feedback"]
    assert (entry.clause, entry.order) == ("9.3.2 e)", 50)
    assert str(entry.title) == "Feedback from interested parties"


def test_the_input_counts_feedback_since_the_period_start(security_manager):
    start = review_inputs.since()
    party = make_party(name="Insurer")
    make_feedback(party=party, kind="complaint", received_on=start - datetime.timedelta(days=1))
    make_feedback(party=party, kind="complaint")
    make_feedback(party=party, kind="audit_remark", received_on=start)
    services.record_save(
        user=security_manager, model=PartyFeedback,
        data={"party": party, "received_on": TODAY, "kind": "compliment",
              "summary": "Quick answers.", "response": "Thanked them.", "closed": True},
    )  # fmt: skip
    result = _collect()
    figures = {f["label"]: f["value"] for f in result["figures"]}
    assert figures["Since"] == start.isoformat()
    assert (figures["Received"], figures["Open"], figures["Closed"]) == (3, 2, 1)
    assert (figures["Complaint"], figures["Compliment"], figures["Audit or assessment remark"],
            figures["Request"], figures["Other"]) == (1, 1, 1, 0, 0)  # fmt: skip
    assert (
        result["summary"].startswith("3 pieces of feedback") and "2 still open" in result["summary"]
    )
    assert len(result["rows"]) == 3
    assert {r["kind"] for r in result["rows"]} == {"complaint", "compliment", "audit_remark"}
    assert all(r["party"] == "Insurer" for r in result["rows"])
    json.dumps(result)


def test_the_input_runs_a_fixed_number_of_queries():
    make_feedback()

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _collect()
        return len(ctx.captured_queries)

    before = queries()
    for n in range(8):
        make_feedback(kind="request", closed=bool(n % 2), response="Done." if n % 2 else "")
    assert queries() == before


def test_a_management_review_snapshots_the_feedback(security_manager, manager):
    from tests.isms.audits.reviews_helpers import prepare

    feedback = make_feedback(summary="Complaint about the status page.")
    review = prepare(security_manager, attendees=[manager])
    (entry,) = [item for item in review.inputs if item["key"] == "party_feedback"]
    assert entry["clause"] == "9.3.2 e)"
    assert [row["summary"] for row in entry["data"]["rows"]] == [feedback.summary]
    make_feedback(summary="Later feedback.")  # the snapshot does not move
    review.refresh_from_db()
    (entry,) = [item for item in review.inputs if item["key"] == "party_feedback"]
    assert [row["summary"] for row in entry["data"]["rows"]] == [feedback.summary]


# --- Demo ----------------------------------------------------------------------------


def test_the_demo_feedback_loads_once():
    UserFactory(username="security")
    for name, kind in (("Customers", "customer"), ("Insurer", "partner")):
        InterestedParty.objects.create(name=name, kind=kind)
    demo._feedback(io.StringIO())
    demo._feedback(io.StringIO())
    assert PartyFeedback.objects.count() == 2
    assert PartyFeedback.objects.filter(closed=False).count() == 1
