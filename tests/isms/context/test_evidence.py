"""Annex A 5.31 and 6.3 evidenced from the requirements register and from awareness
campaigns and competence records (issue 14), within the SoA pages' query budget."""

import datetime

import pytest
from django.urls import reverse

from isms.frameworks import evidence, services
from isms.models import Control, Policy, PolicyAcknowledgement, PolicyVersion
from tests.factories import UserFactory, soa_decide_all
from tests.isms.context.factories import (
    make_campaign,
    make_person,
    make_record,
    make_requirement,
)
from tests.isms.frameworks.conftest import load

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
REQUIREMENTS = "Legal, regulatory and contractual requirements addressed"
AWARENESS = "People who acknowledged every awareness campaign addressed to them"
COMPETENCE = "Evidence of competence still valid"


@pytest.fixture
def iso(db):
    framework = load("iso27001-2022.json")
    services.framework_select(selected=[framework], soa_basis=framework)
    return framework


@pytest.fixture
def registers():
    make_requirement(kind="legal", addressed=False, how_addressed="Not applicable to us.")
    make_requirement(kind="contractual", addressed=False, how_addressed="Pending.")
    make_requirement(kind="climate", addressed=False, how_addressed="Not legal.")
    policy = Policy.objects.create(reference="POL-1", title="Security")
    version = PolicyVersion.objects.create(policy=policy, number=1, body="b")
    Policy.objects.filter(pk=policy.pk).update(published_version=version)
    readers = [UserFactory(), UserFactory(), UserFactory()]
    for user in readers:
        make_person(user=user)
    PolicyAcknowledgement.objects.create(version=version, user=readers[0])
    make_campaign(policy=Policy.objects.get(pk=policy.pk))
    make_record(expires_on=TODAY - datetime.timedelta(days=1))
    make_record(expires_on=None)
    make_record(expires_on=TODAY + datetime.timedelta(days=300))


def _control(iso, identifier) -> Control:
    return iso.controls.get(identifier=identifier)


def test_5_31_and_6_3_are_evidenced_from_the_registers(iso, registers):
    from isms.context.models import Requirement

    Requirement.objects.filter(kind="legal").update(addressed=True)  # one addressed
    legal, awareness = _control(iso, "5.31"), _control(iso, "6.3")
    other = _control(iso, "5.1")
    result = evidence.for_controls([legal.pk, awareness.pk, other.pk])
    (register,) = [c for c in result[legal.pk] if c.check == REQUIREMENTS]
    assert (register.passed, register.failed) == (1, 1)  # climate is not 5.31
    checks = {c.check: (c.passed, c.failed) for c in result[awareness.pk]}
    assert checks[AWARENESS] == (1, 2)  # one reader acknowledged, two have it to do
    assert checks[COMPETENCE] == (2, 1)
    assert other.pk not in result or all(
        c.check not in (REQUIREMENTS, AWARENESS, COMPETENCE) for c in result[other.pk]
    )


def test_the_control_page_shows_the_evidence(iso, registers, client_as, auditor, persona):
    legal = _control(iso, "5.31")
    page = client_as(auditor).get(reverse("isms:control_detail", args=[legal.pk]))
    assert REQUIREMENTS in page.content.decode()
    # Someone who may not read the register gets none of it.
    shown = evidence.for_controls([legal.pk], persona("outsider")).get(legal.pk, [])
    assert all(c.check != REQUIREMENTS for c in shown)


def test_the_soa_pages_stay_within_their_query_budget(
    iso, registers, security_manager, client_as, django_assert_max_num_queries
):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    client = client_as(security_manager)
    for url in [
        reverse("isms:framework_detail", args=[iso.code]),
        reverse("isms:soa"),
        reverse("isms:soa_detail", args=[soa.number]),
        reverse("isms:control_detail", args=[_control(iso, "6.3").pk]),
        reverse("isms:soa_bulk_edit") + "?theme=organizational",
        reverse("isms:soa_bulk_edit") + "?theme=people",
    ]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200, url
