"""People, competence and awareness: gaps, expiry, reminders once, imports all or
nothing with row numbers, campaign completion."""

import datetime

import pytest

from isms.models import Notification, Policy, PolicyAcknowledgement, PolicyVersion
from isms.people import selectors, services
from isms.people.models import CompetenceRecord, Person
from isms.people.tasks import certification_reminders_daily
from tests.factories import UserFactory
from tests.isms.context.factories import (
    make_campaign,
    make_competence,
    make_person,
    make_record,
    make_role,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_a_record_that_expires_before_it_starts_is_refused(client_as, security_manager):
    person, competence = make_person(), make_competence()
    response = client_as(security_manager).post(
        "/api/competence-records/",
        {"person": person.pk, "competence": competence.pk, "kind": "certification",
         "title": "CISSP", "obtained_on": "2026-05-01", "expires_on": "2026-04-01"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "expires_on" in str(response.json())
    assert not CompetenceRecord.objects.exists()


def test_gaps_count_expired_evidence_as_missing():
    aws, incidents = make_competence(name="AWS"), make_competence(name="Incidents")
    role = make_role(name="Officer")
    role.required_competences.set([aws, incidents])
    person = make_person(name="Sam")
    person.roles.set([role])
    make_record(person=person, competence=aws, expires_on=TODAY - datetime.timedelta(days=1))
    make_record(person=person, competence=incidents, expires_on=None)
    gaps = selectors.competence_gaps()
    assert [(g["person"].name, g["competence"].name) for g in gaps] == [("Sam", "AWS")]


def test_expiry_reminders_are_sent_once_per_expiry():
    user = UserFactory()
    person = make_person(user=user)
    record = make_record(person=person, expires_on=TODAY + datetime.timedelta(days=10))
    make_record(expires_on=TODAY + datetime.timedelta(days=90))  # not yet due
    assert certification_reminders_daily() == 1
    assert certification_reminders_daily() == 0
    assert Notification.objects.filter(user=user).count() == 1
    # Renewed with a new expiry that is due again: one more reminder.
    CompetenceRecord.objects.filter(pk=record.pk).update(
        expires_on=TODAY + datetime.timedelta(days=20)
    )
    assert certification_reminders_daily() == 1


def test_people_import_is_all_or_nothing_with_row_numbers(security_manager):
    make_role(name="Security officer")
    content = (
        b"name,email,job_title,roles\n"
        b"Ann,ann@example.com,CISO,Security officer\n"
        b"Bob,not-an-email,Dev,\n"
        b"Cy,cy@example.com,Ops,Astronaut\n"
    )
    with pytest.raises(services.ImportRejected) as caught:
        services.people_import(user=security_manager, content=content, filename="p.csv")
    text = "\n".join(caught.value.errors)
    assert "row 3: email" in text and "row 4: roles" in text
    assert not Person.objects.exists()
    good = b"name,email,job_title,roles\nAnn,ann@example.com,CISO,Security officer\n"
    assert services.people_import(user=security_manager, content=good, filename="p.csv") == 1
    assert Person.objects.get().roles.get().name == "Security officer"


def test_training_import_through_the_api(client_as, security_manager):
    make_person(email="ann@example.com")
    make_competence(name="AWS")
    client = client_as(security_manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile(
        "t.csv",
        b"email,competence,kind,title,obtained_on,expires_on\n"
        b"ann@example.com,AWS,certification,AWS SCS,2026-01-01,2025-01-01\n",
    )
    response = client.post("/api/competence-records/import/", {"file": bad})
    assert response.status_code == 400
    assert "row 2: expires_on" in str(response.json())
    good = SimpleUploadedFile(
        "t.csv",
        b"email,competence,kind,title,obtained_on,expires_on\n"
        b"ann@example.com,AWS,certification,AWS SCS,2026-01-01,2029-01-01\n",
    )
    response = client.post("/api/competence-records/import/", {"file": good})
    assert response.status_code == 201, response.json()
    assert CompetenceRecord.objects.count() == 1


def test_campaign_completion_comes_from_acknowledgements():
    policy = Policy.objects.create(reference="POL-7", title="P")
    version = PolicyVersion.objects.create(policy=policy, number=1, body="b")
    Policy.objects.filter(pk=policy.pk).update(published_version=version)
    role = make_role()
    readers = [UserFactory(), UserFactory()]
    for user in readers:
        make_person(user=user).roles.set([role])
    make_person(user=UserFactory())  # outside the audience
    PolicyAcknowledgement.objects.create(version=version, user=readers[0])
    campaign = make_campaign(policy=Policy.objects.get(pk=policy.pk), audience_role=role)
    assert selectors.campaign_completion(campaign) == {
        "audience": 2,
        "acknowledged": 1,
        "rate": 50.0,
    }


def test_the_dashboard_shows_gaps_and_expiring_evidence(client_as, security_manager):
    competence = make_competence()
    role = make_role()
    role.required_competences.set([competence])
    make_person().roles.set([role])
    make_record(expires_on=TODAY + datetime.timedelta(days=5))
    html = client_as(security_manager).get("/").content.decode()
    assert "Competence gaps" in html and "Certifications expiring" in html
