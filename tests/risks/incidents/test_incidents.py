"""The incident register: reporting by anyone, triage, impact through the graph, the
timeline, evidence with hashes, notification deadlines, closing after the review, raising
a risk from the lessons learned, the API and who may do what."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from risks.incidents import selectors, services
from risks.incidents.models import Incident
from tests.assets.factories import AssetFactory, essential

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def estate():
    """A server under two processes (one through an application): $ values add up once."""
    server = AssetFactory(name="server", value_usd=1_000)
    app = AssetFactory(name="app", value_usd=2_000, depends_on=[server])
    orders = essential(name="Orders", value_usd=100_000, depends_on=[app, server])
    billing = essential(name="Billing", value_usd=50_000, depends_on=[server])
    essential(name="Unrelated", value_usd=7)
    return server, app, orders, billing


def test_anyone_reports_and_sees_only_their_own(estate, outsider, owner, auditor):
    server, *_ = estate
    incident = services.incident_report(
        user=outsider, data={"title": "Odd e-mail", "assets": [server]}
    )
    assert incident.ref == "INC-001" and incident.status == "reported"
    assert incident.entries.count() == 1
    assert list(selectors.visible_incidents(outsider)) == [incident]
    assert not selectors.visible_incidents(owner).exists()
    assert selectors.visible_incidents(auditor).exists()
    with pytest.raises(PermissionDenied):
        services.incident_update(incident=incident, user=outsider, data={"severity": 4})
    with pytest.raises(ValidationError):
        services.incident_report(
            user=outsider,
            data={"title": "Future", "detected_at": timezone.now() + datetime.timedelta(days=1)},
        )


def test_impact_counts_each_asset_above_once(estate, security_manager):
    server, app, orders, billing = estate
    incident = services.incident_report(
        user=security_manager, data={"title": "Disk failure", "assets": [server, app]}
    )
    impact = selectors.impact(incident)
    assert [a.name for a in impact.processes] == ["Orders", "Billing"]  # most at stake first
    assert impact.asset_count == 4
    assert impact.value_usd == 153_000


def test_handling_a_breach_to_closure_and_a_risk(estate, security_manager, methodology):
    server, *_ = estate
    incident = services.incident_report(
        user=security_manager, data={"title": "Customer list leaked", "assets": [server]}
    )
    incident = services.incident_update(
        incident=incident,
        user=security_manager,
        data={
            "kind": "incident",
            "category": "data_breach",
            "severity": 4,
            "personal_data_breach": True,
        },
    )
    assert incident.status == "triaged"
    [notification] = incident.notifications.all()
    assert notification.due_at == incident.detected_at + datetime.timedelta(hours=72)
    evidence = services.evidence_add(
        incident=incident,
        user=security_manager,
        upload=SimpleUploadedFile("log.pdf", PDF),
        description="Access log",
    )
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    # Severe and a notification pending: refused, nothing half-saved.
    with pytest.raises(ValidationError) as error:
        services.incident_close(incident=incident, user=security_manager, data={})
    assert {"lessons_learned", "root_cause", "__all__"} <= set(error.value.message_dict)
    assert Incident.objects.get(pk=incident.pk).status == "triaged"
    services.notification_save(
        incident=incident,
        user=security_manager,
        notification=notification,
        data={"status": "sent", "reference": "CNIL-42"},
    )
    incident = services.incident_close(
        incident=incident,
        user=security_manager,
        data={"root_cause": "Public bucket", "lessons_learned": "Block public access"},
    )
    assert incident.status == "closed" and incident.reviewed_at is not None
    risk = services.incident_follow_up(
        incident=incident,
        user=security_manager,
        kind="risk",
        data={"title": "Buckets made public again"},
    )
    assert list(risk.assets.all()) == [server]
    assert list(incident.risks.all()) == [risk]
    kinds = list(incident.entries.values_list("kind", flat=True))
    assert kinds.count("notification") == 2 and "evidence" in kinds and "follow_up" in kinds
    with pytest.raises(ValidationError):
        services.entry_add(incident=incident, user=security_manager, data={"text": "late"})


def test_api_journey(estate, security_manager, outsider, auditor, client_as, methodology):
    server, *_ = estate
    client = client_as(outsider)
    answer = client.post(
        "/api/incidents/",
        {"title": "Laptop stolen", "assets": [server.pk]},
        content_type="application/json",
    )
    assert answer.status_code == 400  # an asset the reporter may not see: as if missing
    answer = client.post(
        "/api/incidents/", {"title": "Laptop stolen"}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    assert (
        client.patch(
            f"/api/incidents/{pk}/", {"severity": 4}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/incidents/{pk}/entries/",
            {"text": "It was in the car"},
            content_type="application/json",
        ).status_code
        == 201
    )

    client = client_as(security_manager)
    answer = client.patch(
        f"/api/incidents/{pk}/",
        {"kind": "incident", "severity": 3, "category": "loss_theft", "assets": [server.pk]},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "triaged"
    impact = client_as(auditor).get(f"/api/incidents/{pk}/impact/").json()
    assert impact["value_usd"] == "153000.00"
    client = client_as(security_manager)
    answer = client.post(
        f"/api/incidents/{pk}/evidence/",
        {"file": SimpleUploadedFile("report.pdf", PDF), "description": "Police report"},
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    download = client.get(answer.json()["download_url"])
    assert download.status_code == 200
    answer = client.post(
        f"/api/incidents/{pk}/notifications/",
        {"recipient": "Insurer", "due_at": "2026-01-01T00:00:00Z"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    nid = answer.json()["id"]
    assert answer.json()["overdue"] is True
    assert (
        client.post(f"/api/incidents/{pk}/close/", {}, content_type="application/json").status_code
        == 400
    )
    assert (
        client.patch(
            f"/api/incidents/{pk}/notifications/{nid}/",
            {"status": "sent"},
            content_type="application/json",
        ).status_code
        == 200
    )
    answer = client.post(
        f"/api/incidents/{pk}/close/",
        {"root_cause": "Unattended", "lessons_learned": "Encrypt disks"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "closed"
    answer = client.post(
        f"/api/incidents/{pk}/follow-up/",
        {"title": "Unencrypted laptops"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["kind"] == "risk"
    entries = client.get(f"/api/incidents/{pk}/entries/").json()
    assert [e for e in entries if "downloaded" in e["text"]]  # chain of custody
    assert client_as(outsider).get(f"/api/incidents/{pk}/").status_code == 200
    assert client.get("/api/incidents/", {"open": "false"}).json()["count"] == 1


def test_pages(estate, security_manager, outsider, client_as, methodology):
    server, *_ = estate
    client = client_as(outsider)
    answer = client.post("/incidents/report/", {"title": "Phish", "assets": [server.pk]})
    assert answer.status_code == 200  # not an asset the reporter sees
    answer = client.post("/incidents/report/", {"title": "Phish"})
    assert answer.status_code == 302
    incident = Incident.objects.get()
    assert client.get(incident.get_absolute_url()).status_code == 200
    assert client.get(f"/incidents/{incident.pk}/edit/").status_code == 403
    client = client_as(security_manager)
    assert client.get("/incidents/").status_code == 200
    answer = client.post(
        f"/incidents/{incident.pk}/edit/",
        {
            "title": "Phish",
            "kind": "incident",
            "status": "contained",
            "category": "phishing",
            "severity": "3",
            "detected_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
            "assets": [server.pk],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Orders" in page and "153,000" in page  # processes and $ through the graph
    answer = client.post(f"/incidents/{incident.pk}/close/", {})
    assert answer.status_code == 200 and "post-incident review" in answer.content.decode()
    answer = client.post(
        f"/incidents/{incident.pk}/close/", {"root_cause": "MFA off", "lessons_learned": "MFA"}
    )
    assert answer.status_code == 302
    answer = client.post(
        f"/incidents/{incident.pk}/follow-up/", {"kind": "risk", "title": "Phishing again"}
    )
    assert answer.status_code == 302 and "/risks/" in answer["Location"]


def test_audit_pack_and_export_hold_the_register(estate, security_manager, auditor, client_as):
    import io
    import zipfile

    from isms.governance import audit_pack

    services.incident_report(user=security_manager, data={"title": "Phish"})
    _name, data = audit_pack.audit_pack_build(user=auditor)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"12-incidents/incident-register.xlsx", "12-incidents/notifications.csv"} <= set(names)
    answer = client_as(auditor).get("/incidents/", {"export": "csv"})
    assert answer.status_code == 200 and b"Phish" in answer.content


def test_a_pending_notification_is_due_for_its_reminder(estate, security_manager):
    from isms.governance import reviews

    incident = services.incident_report(user=security_manager, data={"title": "Leak"})
    services.incident_update(
        incident=incident,
        user=security_manager,
        data={"kind": "incident", "personal_data_breach": True, "handler": security_manager},
    )
    soon = timezone.localdate() + datetime.timedelta(days=3)
    [item] = [i for i in reviews.due(soon) if i.kind == "Incident notification"]
    assert item.owners == [security_manager] and "INC-001" in item.title
