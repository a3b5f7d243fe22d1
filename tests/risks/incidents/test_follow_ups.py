"""An incident's lessons learned raise an improvement action: an opportunity for
improvement (OFI-nnn) of the NC/OFI register of isms.audits, once per incident, on the
page and through the API (issue 15)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from isms.audits.models import Nonconformity
from risks.incidents import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(security_manager):
    incident = services.incident_report(user=security_manager, data={"title": "Phish"})
    return services.incident_update(
        incident=incident,
        user=security_manager,
        data={"kind": "incident", "severity": 2, "lessons_learned": "Train the finance team"},
    )


def test_lessons_learned_raise_one_improvement_action(incident, security_manager, auditor):
    ofi = services.incident_follow_up(
        incident=incident,
        user=security_manager,
        kind="improvement",
        data={"title": "Phishing drills for finance"},
    )
    assert isinstance(ofi, Nonconformity) and ofi.ref == "OFI-001"
    assert (ofi.kind, ofi.origin, ofi.severity) == ("improvement", "incident", "")
    assert "Train the finance team" in ofi.description and incident.ref in ofi.description
    assert ofi.get_absolute_url()
    again = services.incident_follow_up(
        incident=incident, user=security_manager, kind="improvement", data={"title": "Again"}
    )
    assert again == ofi and Nonconformity.objects.count() == 1  # idempotent per incident
    assert incident.entries.filter(kind="follow_up", text__contains="OFI-001").count() == 2
    # The register keeps one record per incident: a nonconformity is refused, clearly.
    entries = incident.entries.count()
    with pytest.raises(ValidationError) as refused:
        services.incident_follow_up(
            incident=incident, user=security_manager, kind="nonconformity", data={"title": "NC"}
        )
    assert "OFI-001" in refused.value.message_dict["kind"][0]
    assert Nonconformity.objects.count() == 1 and incident.entries.count() == entries
    with pytest.raises(PermissionDenied):
        services.incident_follow_up(
            incident=incident, user=auditor, kind="improvement", data={"title": "No"}
        )


def test_an_incident_that_raised_a_nonconformity_refuses_an_improvement(incident, security_manager):
    nc = services.incident_follow_up(
        incident=incident, user=security_manager, kind="nonconformity", data={"title": "NC"}
    )
    with pytest.raises(ValidationError) as refused:
        services.incident_follow_up(
            incident=incident, user=security_manager, kind="improvement", data={"title": "OFI"}
        )
    assert nc.ref in refused.value.message_dict["kind"][0]
    assert list(Nonconformity.objects.all()) == [nc]


def test_the_page_and_the_api_offer_it(incident, security_manager, client_as):
    client = client_as(security_manager)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert 'value="improvement"' in page
    answer = client.post(
        f"/api/incidents/{incident.pk}/follow-up/",
        {"kind": "improvement", "title": "Drills"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["kind"] == "improvement" and answer.json()["label"].startswith("OFI-001")
    answer = client.post(
        f"/incidents/{incident.pk}/follow-up/", {"kind": "nonconformity", "title": "NC"}
    )
    assert answer.status_code == 302 and answer["Location"] == incident.get_absolute_url()
    assert "OFI-001" in client.get(incident.get_absolute_url()).content.decode()
    answer = client.post(
        f"/api/incidents/{incident.pk}/follow-up/",
        {"kind": "nonconformity", "title": "NC"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "kind" in answer.json()["errors"]
