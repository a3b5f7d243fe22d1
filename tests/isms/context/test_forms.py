"""The HTML create and edit forms of the context and people registers: a valid post
saves (through the service, audited), an invalid one is refused with the error of the
rule at its field and nothing saved, and only security managers get the forms and the
"New"/"Edit" buttons."""

import datetime
from decimal import Decimal

import pytest

from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    InterestedParty,
    Measure,
    Measurement,
    Objective,
    Requirement,
)
from isms.models import AuditEvent, Control, Framework, Policy, PolicyAcknowledgement, PolicyVersion
from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person
from tests.factories import UserFactory
from tests.isms.context.factories import (
    make_campaign,
    make_competence,
    make_issue,
    make_measure,
    make_objective,
    make_party,
    make_person,
    make_record,
    make_requirement,
    make_role,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _errors(response) -> dict:
    form = response.context["form"]
    return {field: " ".join(str(e) for e in errors) for field, errors in form.errors.items()}


def _policy() -> Policy:
    return Policy.objects.create(reference=f"POL-{Policy.objects.count() + 1}", title="Security")


def _control() -> Control:
    framework = Framework.objects.create(code="iso-a", name="ISO/IEC 27001:2022 Annex A")
    return Control.objects.create(framework=framework, identifier="5.31", title="Legal")


# --- Context issues -----------------------------------------------------------------------


ISSUE = {
    "title": "New data protection law",
    "origin": "external",
    "category": "legal",
    "effect": "More duties on personal data.",
    "treatment": "no_action",
    "no_action_reason": "Already covered by our privacy programme.",
    "review_interval_months": "12",
}


def test_a_context_issue_is_created_and_edited_from_the_form(client_as, security_manager):
    client = client_as(security_manager)
    response = client.post("/context/issues/new/", ISSUE)
    assert response.status_code == 302, _errors(response)
    issue = ContextIssue.objects.get()
    assert issue.reference == "CI-001" and issue.treatment == "no_action"
    assert AuditEvent.objects.filter(object_id=str(issue.pk)).exists()

    page = client.get(f"/context/issues/{issue.pk}/edit/")
    assert page.status_code == 200 and "New data protection law" in page.content.decode()
    response = client.post(f"/context/issues/{issue.pk}/edit/", {**ISSUE, "title": "Renamed"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.title == "Renamed" and issue.number == 1


def test_a_context_issue_addressed_by_a_risk_names_the_risk(client_as, security_manager):
    response = client_as(security_manager).post(
        "/context/issues/new/", {**ISSUE, "treatment": "risk", "no_action_reason": ""}
    )
    assert response.status_code == 200
    assert "Name the risk" in _errors(response)["risk_reference"]
    assert not ContextIssue.objects.exists()


def test_a_climate_determination_is_recorded_from_the_form(client_as, security_manager):
    client = client_as(security_manager)
    response = client.post("/context/climate/new/", {"relevant": "on", "reasoning": "Floods."})
    assert response.status_code == 302
    determination = ClimateDetermination.objects.get()
    assert determination.relevant and determination.decided_on == TODAY
    assert determination.decided_by == security_manager
    response = client.post("/context/climate/new/", {"reasoning": ""})
    assert "reasoning" in _errors(response)
    assert ClimateDetermination.objects.count() == 1
    # A determination is a dated decision: it is not edited, a new one is made.
    assert client.get(f"/context/climate/{determination.pk}/edit/").status_code == 404


# --- Interested parties and requirements -------------------------------------------------


def test_a_party_and_its_requirement_are_created_from_the_forms(client_as, security_manager):
    client = client_as(security_manager)
    response = client.post(
        "/context/party/new/", {"name": "AWS", "kind": "supplier", "review_interval_months": 12}
    )
    assert response.status_code == 302
    party = InterestedParty.objects.get()
    control = _control()
    response = client.post(
        "/context/requirements/new/",
        {"party": party.pk, "title": "Shared responsibility", "kind": "contractual",
         "addressed": "on", "how_addressed": "Controls", "controls": [control.pk]},
    )  # fmt: skip
    assert response.status_code == 302, _errors(response)
    requirement = Requirement.objects.get()
    assert list(requirement.controls.all()) == [control]
    # The edit form shows the chosen control, and saving with another one replaces it.
    page = client.get(f"/context/requirements/{requirement.pk}/edit/").content.decode()
    assert f'value="{control.pk}" selected' in page and "data-picker" in page


def test_a_requirement_linked_to_nothing_is_refused_at_the_field(client_as, security_manager):
    party = make_party()
    response = client_as(security_manager).post(
        "/context/requirements/new/",
        {"party": party.pk, "title": "GDPR", "kind": "legal", "addressed": "on"},
    )
    assert response.status_code == 200
    assert "Link the requirement" in _errors(response)["controls"]
    assert not Requirement.objects.exists()


def test_a_duplicate_party_name_is_refused(client_as, security_manager):
    make_party(name="AWS")
    response = client_as(security_manager).post(
        "/context/party/new/", {"name": "AWS", "kind": "supplier", "review_interval_months": 12}
    )
    assert "name" in _errors(response)
    assert InterestedParty.objects.count() == 1


# --- Objectives, measures, measurements --------------------------------------------------


def _objective_data(owner, **extra) -> dict:
    return {
        "title": "Fewer phishing clicks",
        "plan": "Monthly simulations.",
        "owner": owner.pk,
        "due_date": (TODAY + datetime.timedelta(days=180)).isoformat(),
        "evaluation_method": "Click rate of the simulations.",
        "status": "planned",
        "review_interval_months": 12,
        **extra,
    }


def test_an_objective_is_created_and_edited_from_the_form(client_as, security_manager):
    client = client_as(security_manager)
    measure = make_measure()
    response = client.post("/context/objectives/new/", _objective_data(security_manager,
                           measure=measure.pk))  # fmt: skip
    assert response.status_code == 302, _errors(response)
    objective = Objective.objects.get()
    assert objective.owner == security_manager and objective.measure == measure
    response = client.post(
        f"/context/objectives/{objective.pk}/edit/",
        _objective_data(security_manager, status="in_progress"),
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.status == "in_progress" and objective.measure is None


def test_an_objective_without_owner_or_evaluation_method_is_refused(client_as, security_manager):
    data = {**_objective_data(security_manager), "owner": "", "evaluation_method": ""}
    response = client_as(security_manager).post("/context/objectives/new/", data)
    assert {"owner", "evaluation_method"} <= set(_errors(response))
    assert not Objective.objects.exists()


MEASURE = {
    "name": "Phishing click rate",
    "description": "Share of staff who clicked.",
    "method": "Simulation tool report.",
    "kind": "recorded",
    "frequency": "monthly",
    "unit": "%",
    "target": "5",
    "direction": "at_most",
}


def test_a_measure_is_created_from_the_form(client_as, security_manager):
    response = client_as(security_manager).post("/context/measures/new/", MEASURE)
    assert response.status_code == 302, _errors(response)
    measure = Measure.objects.get()
    assert measure.reference == "M-001" and measure.target == Decimal("5")


def test_a_computed_measure_must_name_a_computation(client_as, security_manager):
    client = client_as(security_manager)
    response = client.post("/context/measures/new/", {**MEASURE, "kind": "computed"})
    assert "Choose one of" in _errors(response)["provider"]
    response = client.post("/context/measures/new/", {**MEASURE, "target": "", "frequency": ""})
    assert {"target", "frequency"} <= set(_errors(response))
    assert not Measure.objects.exists()


def test_a_value_is_recorded_once_per_period(client_as, security_manager):
    client = client_as(security_manager)
    measure = make_measure(frequency="monthly")
    for value in ("7.5", "6"):
        response = client.post(
            "/context/measurements/new/",
            {"measure": measure.pk, "value": value, "day": "2026-11-03", "note": ""},
        )
        assert response.status_code == 302
    (measurement,) = Measurement.objects.all()
    assert measurement.period == "2026-11" and measurement.value == Decimal("6")
    response = client.post("/context/measurements/new/", {"measure": measure.pk, "value": "x"})
    assert "value" in _errors(response)
    computed = make_measure(kind="computed", provider="controls_implemented")
    response = client.post("/context/measurements/new/", {"measure": computed.pk, "value": "1"})
    assert "measure" in _errors(response)  # computed measures take their own values
    assert Measurement.objects.count() == 1


# --- People, roles, competences, records, campaigns --------------------------------------


def test_a_person_with_roles_is_created_from_the_form(client_as, security_manager):
    role = make_role()
    user = UserFactory()
    response = client_as(security_manager).post(
        "/people/person/new/",
        {"name": "Ann Lee", "email": "ann@example.com", "user": user.pk, "roles": [role.pk],
         "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, _errors(response)
    person = Person.objects.get()
    assert person.user == user and list(person.roles.all()) == [role]


def test_a_person_needs_a_valid_unique_email(client_as, security_manager):
    make_person(email="ann@example.com")
    client = client_as(security_manager)
    response = client.post("/people/person/new/", {"name": "Ann", "email": "ann@example.com"})
    assert "email" in _errors(response)
    response = client.post("/people/person/new/", {"name": "Bob", "email": "not-an-address"})
    assert "email" in _errors(response)
    assert Person.objects.count() == 1


def test_roles_and_competences_are_created_and_edited(client_as, security_manager):
    client = client_as(security_manager)
    assert client.post("/people/competences/new/", {"name": "AWS security"}).status_code == 302
    competence = Competence.objects.get()
    response = client.post(
        "/people/roles/new/", {"name": "Security officer", "required_competences": [competence.pk]}
    )
    assert response.status_code == 302
    role = IsmsRole.objects.get()
    assert list(role.required_competences.all()) == [competence]
    response = client.post(f"/people/roles/{role.pk}/edit/", {"name": "Security officer"})
    assert response.status_code == 302
    assert not role.required_competences.exists()
    response = client.post("/people/competences/new/", {"name": "AWS security"})
    assert "name" in _errors(response)
    page = client.get("/people/roles/").content.decode()
    assert "AWS security" in page and f"/people/competences/{competence.pk}/edit/" in page


def test_a_competence_record_that_expires_before_it_starts_is_refused(client_as, security_manager):
    person, competence = make_person(), make_competence()
    data = {
        "person": person.pk,
        "competence": competence.pk,
        "kind": "certification",
        "title": "AWS SCS",
        "obtained_on": "2026-06-01",
        "expires_on": "2026-01-01",
    }
    client = client_as(security_manager)
    response = client.post("/people/competence/new/", data)
    assert "before the date obtained" in _errors(response)["expires_on"]
    assert not CompetenceRecord.objects.exists()
    response = client.post("/people/competence/new/", {**data, "expires_on": "2029-06-01"})
    assert response.status_code == 302
    record = CompetenceRecord.objects.get()
    response = client.post(
        f"/people/competence/{record.pk}/edit/", {**data, "expires_on": "2030-06-01"}
    )
    record.refresh_from_db()
    assert record.expires_on == datetime.date(2030, 6, 1)


def test_an_awareness_campaign_is_created_and_its_completion_listed(
    client_as, security_manager, django_assert_max_num_queries
):
    policy = _policy()
    version = PolicyVersion.objects.create(policy=policy, number=1, body="b")
    Policy.objects.filter(pk=policy.pk).update(published_version=version)
    client = client_as(security_manager)
    response = client.post(
        "/people/campaigns/new/",
        {"title": "Annual refresher", "policy": policy.pk, "due_date": "2026-12-31"},
    )
    assert response.status_code == 302, _errors(response)
    assert AwarenessCampaign.objects.get().audience_role is None
    readers = [UserFactory(), UserFactory()]
    for user in readers:
        make_person(user=user)
    PolicyAcknowledgement.objects.create(version=version, user=readers[0])
    role = make_role()
    for _ in range(5):  # more campaigns: the same number of queries
        make_campaign(policy=policy, audience_role=role)
    with django_assert_max_num_queries(12):
        page = client.get("/people/campaigns/").content.decode()
    assert "1 / 2" in page and "0 / 0" in page
    response = client.post("/people/campaigns/new/", {"title": "No policy", "due_date": ""})
    assert {"policy", "due_date"} <= set(_errors(response))


# --- Who gets the forms and the buttons --------------------------------------------------

ADD_PAGES = [
    "/context/issues/new/",
    "/context/climate/new/",
    "/context/party/new/",
    "/context/requirements/new/",
    "/context/objectives/new/",
    "/context/measures/new/",
    "/context/measurements/new/",
    "/people/person/new/",
    "/people/roles/new/",
    "/people/competences/new/",
    "/people/competence/new/",
    "/people/campaigns/new/",
]


@pytest.mark.parametrize("url", ADD_PAGES)
def test_only_security_managers_get_the_forms(url, client_as, persona):
    for name in ("auditor", "manager", "outsider"):
        client = client_as(persona(name))
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"title": "x", "name": "x"}).status_code == 403, name
    assert client_as(persona("security_manager")).get(url).status_code == 200


def test_edit_pages_refuse_other_roles(client_as, auditor, security_manager):
    issue = make_issue()
    record = make_record()
    objective = make_objective(owner=security_manager)
    requirement = make_requirement()
    client = client_as(auditor)
    for url in (
        f"/context/issues/{issue.pk}/edit/",
        f"/context/objectives/{objective.pk}/edit/",
        f"/context/requirements/{requirement.pk}/edit/",
        f"/people/competence/{record.pk}/edit/",
        f"/people/person/{record.person_id}/edit/",
    ):
        assert client.post(url, {"title": "hacked"}).status_code == 403, url
    issue.refresh_from_db()
    assert issue.title != "hacked"


LISTS = {
    "/context/issues/": ("/context/issues/new/", "/context/issues/{pk}/edit/"),
    "/context/objectives/": ("/context/objectives/new/", None),
    "/context/measures/": ("/context/measures/new/", None),
    "/context/parties/": ("/context/requirements/new/", None),
    "/people/": ("/people/person/new/", None),
    "/people/roles/": ("/people/roles/new/", None),
    "/people/competence/": ("/people/competence/new/", None),
    "/people/campaigns/": ("/people/campaigns/new/", None),
}


def test_new_and_edit_buttons_for_security_managers_only(client_as, security_manager, auditor):
    issue = make_issue()
    for url, (new, edit) in LISTS.items():
        page = client_as(security_manager).get(url).content.decode()
        assert new in page, url
        if edit:
            assert edit.format(pk=issue.pk) in page
        page = client_as(auditor).get(url)
        assert page.status_code == 200, url
        assert new not in page.content.decode() and "/edit/" not in page.content.decode(), url
