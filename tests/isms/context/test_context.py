"""Context issues, climate determination, interested parties, objectives, measures:
the rules at the field, the computed measures against hand counts, the idempotent
time series, the scope migration and the management-review selectors."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from isms.context import measures, selectors, services
from isms.context.models import ContextIssue, InterestedParty, Measure, Measurement, Objective
from isms.context.tasks import measures_compute_daily
from isms.models import (
    Control,
    ControlImplementation,
    Framework,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
    Scope,
    ScopeVersion,
)
from tests.factories import UserFactory
from tests.isms.context.factories import make_measure, make_objective, make_party

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- Bad input: clear errors at the field, nothing saved -------------------------------------


def test_a_measure_without_target_or_frequency_is_refused(client_as, security_manager):
    response = _post(
        client_as(security_manager),
        "/api/measures/",
        {"name": "Patch age", "description": "x", "method": "y", "kind": "recorded"},
    )
    assert response.status_code == 400
    assert {"target", "frequency"} <= set(response.json()["errors"]) or {
        "target",
        "frequency",
    } <= set(response.json())
    assert not Measure.objects.exists()


def test_a_computed_measure_names_a_registered_computation(client_as, security_manager):
    response = _post(
        client_as(security_manager),
        "/api/measures/",
        {"name": "X", "description": "x", "method": "y", "kind": "computed",
         "provider": "nope", "frequency": "monthly", "target": "5"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "provider" in str(response.json())
    assert not Measure.objects.exists()


def test_an_objective_without_owner_or_evaluation_method_is_refused(client_as, security_manager):
    response = _post(
        client_as(security_manager),
        "/api/objectives/",
        {"title": "Fewer incidents", "plan": "Train", "due_date": "2027-01-31"},
    )
    assert response.status_code == 400
    body = str(response.json())
    assert "owner" in body and "evaluation_method" in body
    assert not Objective.objects.exists()


def test_a_requirement_linked_to_nothing_is_refused(client_as, security_manager):
    party = make_party()
    response = _post(
        client_as(security_manager),
        "/api/requirements/",
        {"party": party.pk, "title": "Notify breaches", "kind": "legal", "addressed": True},
    )
    assert response.status_code == 400
    assert "controls" in str(response.json())
    assert not party.requirements.exists()


def test_a_linked_requirement_is_saved_and_listed_with_its_party(client_as, security_manager):
    party = make_party(name="Regulator")
    objective = make_objective(owner=security_manager)
    client = client_as(security_manager)
    response = _post(
        client,
        "/api/requirements/",
        {"party": party.pk, "title": "Notify breaches", "kind": "legal", "addressed": True,
         "objectives": [objective.pk]},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    listed = client.get(f"/api/interested-parties/{party.pk}/").json()
    assert listed["requirements"][0]["objectives"] == [objective.pk]


def test_a_context_issue_says_what_addresses_it(security_manager):
    with pytest.raises(ValidationError) as caught:
        services.record_save(
            user=security_manager,
            model=ContextIssue,
            data={"title": "Heat", "origin": "external", "category": "environmental",
                  "effect": "Outages", "treatment": "no_action"},
        )  # fmt: skip
    assert "no_action_reason" in caught.value.message_dict
    assert not ContextIssue.objects.exists()


def test_context_issues_are_numbered_through_the_api(client_as, security_manager):
    client = client_as(security_manager)
    data = {"title": "Heat", "origin": "external", "category": "environmental",
            "effect": "Outages", "treatment": "risk", "risk_reference": "R-001"}  # fmt: skip
    first = _post(client, "/api/context-issues/", data).json()
    second = _post(client, "/api/context-issues/", {**data, "title": "Floods"}).json()
    assert (first["reference"], second["reference"]) == ("CI-001", "CI-002")


def test_the_climate_determination_is_approved_with_its_scope_version(client_as, security_manager):
    version = ScopeVersion.objects.create(scope=Scope.objects.create(), number=1, description="x")
    response = _post(
        client_as(security_manager),
        "/api/climate-determinations/",
        {"scope_version": version.pk, "relevant": True, "reasoning": "Flood-prone region."},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["approved"] is False
    ScopeVersion.objects.filter(pk=version.pk).update(approval_state="approved")
    assert (
        client_as(security_manager)
        .get(f"/api/climate-determinations/{response.json()['id']}/")
        .json()["approved"]
    )


# --- Computed measures against hand counts --------------------------------------------------


def test_annex_a_share_counts_applicable_implemented_controls():
    iso = Framework.objects.create(code="iso27001-2022", name="ISO")
    other = Framework.objects.create(code="nist-csf-2", name="CSF")
    states = [(iso, True, "implemented"), (iso, True, "implemented"), (iso, True, "partial"),
              (iso, False, "not_started"), (other, True, "implemented")]  # fmt: skip
    for index, (framework, applicable, status) in enumerate(states):
        control = Control.objects.create(framework=framework, identifier=str(index), title="c")
        ControlImplementation.objects.create(control=control, applicable=applicable, status=status)
    # 2 of the 3 applicable ISO controls are implemented; the CSF one does not count.
    assert measures.annex_a_implemented(datetime.date.today()) == Decimal("66.67")


def test_policy_acknowledgement_rate_counts_published_versions_only(security_manager):
    reader = UserFactory()
    UserFactory(is_active=False)
    policy = Policy.objects.create(reference="POL-9", title="P")
    old = PolicyVersion.objects.create(policy=policy, number=1, body="a")
    new = PolicyVersion.objects.create(policy=policy, number=2, body="b")
    Policy.objects.filter(pk=policy.pk).update(published_version=new)
    PolicyAcknowledgement.objects.create(version=new, user=reader)
    PolicyAcknowledgement.objects.create(version=old, user=security_manager)
    # 2 active users x 1 published policy; 1 acknowledged the published version.
    assert measures.policy_acknowledgement_rate(datetime.date.today()) == Decimal("50.00")


def test_overdue_reviews_counts_every_register(security_manager):
    past = datetime.date.today() - datetime.timedelta(days=1)
    Policy.objects.create(reference="POL-8", title="P", next_review_due=past)
    make_party(next_review_due=past)
    make_objective(owner=security_manager, next_review_due=past)
    make_party(next_review_due=datetime.date.today() + datetime.timedelta(days=3))
    assert measures.overdue_reviews(datetime.date.today()) == Decimal(3)


def test_the_beat_task_stores_one_value_per_period():
    make_measure(kind="computed", provider="overdue_reviews", target=0, direction="at_most")
    make_measure(kind="recorded")
    assert measures_compute_daily() == 1
    assert measures_compute_daily() == 1
    assert Measurement.objects.count() == 1


def test_recording_twice_in_a_period_keeps_one_value(security_manager):
    measure = make_measure(frequency="quarterly")
    services.measurement_record(
        user=security_manager, measure=measure, value=Decimal(3), day=datetime.date(2026, 4, 2)
    )
    services.measurement_record(
        user=security_manager, measure=measure, value=Decimal(4), day=datetime.date(2026, 6, 30)
    )
    (only,) = Measurement.objects.all()
    assert (only.period, only.period_end, only.value) == (
        "2026-Q2",
        datetime.date(2026, 6, 30),
        Decimal(4),
    )


@pytest.mark.parametrize(
    ("frequency", "day", "expected"),
    [
        ("daily", datetime.date(2026, 3, 5), ("2026-03-05", datetime.date(2026, 3, 5))),
        ("weekly", datetime.date(2026, 12, 31), ("2026-W53", datetime.date(2027, 1, 3))),
        ("monthly", datetime.date(2024, 2, 10), ("2024-02", datetime.date(2024, 2, 29))),
        ("quarterly", datetime.date(2026, 11, 1), ("2026-Q4", datetime.date(2026, 12, 31))),
        ("yearly", datetime.date(2026, 1, 1), ("2026", datetime.date(2026, 12, 31))),
    ],
)
def test_periods(frequency, day, expected):
    assert measures.period_of(frequency, day) == expected


# --- Management-review inputs ------------------------------------------------------------


def test_objectives_fulfilment_and_measurement_results(security_manager):
    measure = make_measure(name="Click rate", target=5, direction="at_most")
    for day, value in ((datetime.date(2026, 1, 3), 9), (datetime.date(2026, 2, 3), 4)):
        services.measurement_record(user=security_manager, measure=measure, value=value, day=day)
    make_objective(owner=security_manager, title="Fewer clicks", measure=measure)
    make_objective(owner=security_manager, title="No measure yet")
    rows = selectors.objectives_fulfilment()
    assert [r["title"] for r in rows] == ["Fewer clicks", "No measure yet"]
    assert rows[0]["measure"]["value"] == Decimal(4) and rows[0]["measure"]["meets_target"]
    assert rows[1]["measure"] is None
    (result,) = selectors.measurement_results()
    assert (result["period"], result["meets_target"]) == ("2026-02", True)


# --- The scope's free text becomes records ----------------------------------------------------


def test_the_scope_text_is_migrated_to_parties_and_requirements():
    scope = Scope.objects.create()
    text = "Customers: protection of personal data\n- Staff: training\nInvestors\n"
    approved = ScopeVersion.objects.create(
        scope=scope, number=1, description="x", interested_parties=text, approval_state="approved"
    )
    draft = ScopeVersion.objects.create(
        scope=scope, number=2, description="x", interested_parties=text
    )
    migration = importlib.import_module("isms.context.migrations.0002_scope_interested_parties")
    migration.forwards(apps, None)
    assert sorted(InterestedParty.objects.values_list("name", flat=True)) == [
        "Customers",
        "Investors",
        "Staff",
    ]
    customers = InterestedParty.objects.get(name="Customers")
    assert list(customers.requirements.values_list("title", flat=True)) == [
        "protection of personal data"
    ]
    assert set(customers.scope_versions.all()) == {approved, draft}
    approved.refresh_from_db(), draft.refresh_from_db()
    assert approved.interested_parties == text  # its approval hash covers the text
    assert draft.interested_parties == ""


def test_the_audit_pack_holds_the_context_and_people_files(security_manager):
    from isms.governance.audit_pack import providers

    measure = make_measure(name="Click rate")
    services.measurement_record(user=security_manager, measure=measure, value=Decimal(3))
    make_objective(owner=security_manager, title="Fewer clicks", measure=measure)
    files = {f.path: f.content for provider in providers for f in provider(security_manager)}
    assert "Fewer clicks" in files["13-objectives/objectives.csv"].decode()
    assert "Click rate" in files["13-objectives/measurements.csv"].decode()
    assert {"12-context/climate-determinations.csv", "14-people/competence-gaps.csv"} <= set(files)


def test_the_measures_page_draws_each_trend_against_its_target(client_as, auditor, manager):
    measure = make_measure(name="Click rate", target=5, direction="at_most", unit="%")
    for month, value in ((1, 9), (2, 6), (3, 4)):
        services.measurement_record(
            user=None, measure=measure, value=Decimal(value), day=datetime.date(2026, month, 2)
        )
    make_objective(owner=manager, title="Fewer clicks", measure=measure)
    page = client_as(auditor).get("/context/measures/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<polyline" in html and "2026-03: 4.00" in html
    objectives = client_as(auditor).get("/context/objectives/").content.decode()
    assert "Fewer clicks" in objectives and "On target" in objectives


def test_the_registers_show_and_export_the_same_cells(client_as, auditor, security_manager):
    from tests.isms.context.factories import make_climate, make_issue, make_person, make_record

    make_issue(title="Heat waves", treatment="risk", risk_reference="R-007")
    make_climate(relevant=True, reasoning="Flood-prone region.")
    make_record(person=make_person(name="Sam"), expires_on=datetime.date(2020, 1, 1))
    client = client_as(auditor)
    page = client.get("/context/issues/").content.decode()
    assert "Heat waves" in page and "R-007" in page and "Flood-prone region." in page
    export = client.get("/context/issues/?export=csv")
    assert export.status_code == 200 and "Heat waves" in export.content.decode("utf-8-sig")
    assert client.get("/context/parties/?export=xlsx").status_code == 200
    people = client.get("/people/competence/").content.decode()
    assert "Sam" in people and "Expired" in people
