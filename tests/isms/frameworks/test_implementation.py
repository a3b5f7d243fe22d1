"""Deciding and implementing controls: the exclusion rule, who may edit, bulk editing by
theme, evidence files, and the inconsistency with risk treatment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from isms.frameworks import selectors, services
from isms.models import AuditEvent, ControlImplementation, Evidence
from isms.models.audit import AuditAction


def impl(framework, identifier):
    return ControlImplementation.objects.get(
        control__framework=framework, control__identifier=identifier
    )


def test_exclusion_without_justification_is_refused(iso, security_manager):
    implementation = impl(iso, "7.1")
    with pytest.raises(ValidationError) as error:
        services.control_implementation_update(
            implementation=implementation, user=security_manager, data={"applicable": False}
        )
    assert error.value.message_dict == {
        "justification": ["Explain why this control is excluded (not applicable)."]
    }
    implementation.refresh_from_db()
    assert implementation.applicable is None


def test_update_records_the_change(iso, security_manager):
    implementation = services.control_implementation_update(
        implementation=impl(iso, "7.1"),
        user=security_manager,
        data={"applicable": False, "justification": "No premises."},
    )
    assert implementation.applicable is False
    event = AuditEvent.objects.filter(object_id=str(implementation.pk)).first()
    assert event.action == AuditAction.UPDATE
    assert event.actor == security_manager  # outside a request too (@audit.acts_as_user)
    assert event.changes["applicable"] == [None, False]
    assert "updated_at" not in event.changes


def test_form_shows_the_error_beside_the_justification(iso, security_manager, client_as):
    implementation = impl(iso, "7.1")
    url = reverse("isms:control_edit", args=[implementation.control_id])
    response = client_as(security_manager).post(url, {"applicable": "no", "status": "not_started"})
    assert response.status_code == 200
    assert response.context["form"].errors["justification"] == [
        "Explain why this control is excluded (not applicable)."
    ]
    assert b'id="id_justification_error"' in response.content
    response = client_as(security_manager).post(
        url,
        {
            "applicable": "yes",
            "reasons": ["business", "legal"],
            "status": "planned",
            "description": "Badge readers",
        },
    )
    assert response.status_code == 302
    implementation.refresh_from_db()
    assert implementation.reasons == ["business", "legal"]


def test_owner_edits_only_the_controls_they_own(iso, owner, outsider, client_as):
    mine, other = impl(iso, "5.9"), impl(iso, "5.10")
    ControlImplementation.objects.filter(pk=mine.pk).update(owner=owner)
    client = client_as(owner)
    assert client.get(reverse("isms:control_edit", args=[mine.control_id])).status_code == 200
    assert client.get(reverse("isms:control_edit", args=[other.control_id])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.control_implementation_update(
            implementation=other, user=owner, data={"status": "implemented"}
        )
    with pytest.raises(PermissionDenied):
        services.control_implementation_update(
            implementation=mine, user=outsider, data={"status": "implemented"}
        )


def test_auditor_and_manager_cannot_edit(iso, auditor, manager, client_as):
    url = reverse("isms:control_edit", args=[impl(iso, "5.1").control_id])
    assert client_as(auditor).get(url).status_code == 403
    assert client_as(manager).post(url, {"status": "implemented"}).status_code == 403


def test_bulk_edit_by_theme(iso, security_manager, client_as):
    physical = ControlImplementation.objects.filter(
        control__framework=iso, control__theme="physical"
    )
    url = reverse("isms:soa_bulk_edit") + "?theme=physical"
    client = client_as(security_manager)
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["implementations"]) == 14
    response = client.post(
        url,
        {
            "implementations": [i.pk for i in physical],
            "applicable": "no",
            "justification": "Cloud only: AWS operates the data centres.",
            "status": "__unchanged__",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert set(physical.values_list("applicable", flat=True)) == {False}
    assert AuditEvent.objects.filter(message="Bulk edit").count() == 14


def test_bulk_edit_is_all_or_nothing(iso, security_manager, client_as):
    physical = list(ControlImplementation.objects.filter(control__theme="physical"))
    with pytest.raises(ValidationError) as error:
        services.control_implementation_bulk_update(
            implementations=physical, user=security_manager, changes={"applicable": False}
        )
    assert "7.1: Explain why this control is excluded (not applicable)." in error.value.messages
    assert not ControlImplementation.objects.filter(applicable=False).exists()
    response = client_as(security_manager).post(
        reverse("isms:soa_bulk_edit") + "?theme=physical",
        {"implementations": [physical[0].pk], "applicable": "no", "status": "__unchanged__"},
    )
    assert response.status_code == 200
    assert "7.1: Explain why" in response.content.decode()


def test_evidence_file_types_and_size_are_checked(
    iso, security_manager, client_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    implementation = impl(iso, "8.24")
    url = reverse("isms:evidence_add", args=[implementation.control_id])
    client = client_as(security_manager)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {"title": "Binary", "file": bad})
    assert response.status_code == 400
    assert "File type not allowed" in response.content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"x" * settings.UPLOAD_MAX_BYTES)
    response = client.post(url, {"title": "Big", "file": big})
    assert "File too large" in response.content.decode()
    response = client.post(url, {"title": "Neither"})
    assert "Give either a link or a file" in response.content.decode()
    fake = SimpleUploadedFile("report.pdf", b"#!/bin/sh\nrm -rf /")
    response = client.post(url, {"title": "Renamed script", "file": fake})
    assert "content is not a PDF file" in response.content.decode()
    assert not Evidence.objects.exists()

    good = SimpleUploadedFile("kms-policy.pdf", b"%PDF-1.4 key policy")
    assert client.post(url, {"title": "KMS key policy", "file": good}).status_code == 302
    item = Evidence.objects.get()
    assert item.file.name.startswith(f"evidence/{implementation.control_id}/")
    assert item.file.name.endswith("/kms-policy.pdf")
    download = client.get(reverse("isms:evidence_file", args=[item.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 key policy"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(item.pk)).exists()
    assert client.post(reverse("isms:evidence_delete", args=[item.pk])).status_code == 302
    assert not Evidence.objects.exists()


def test_risk_treatment_on_an_excluded_control_is_an_inconsistency(
    iso, security_manager, risk_provider
):
    implementation = services.control_implementation_update(
        implementation=impl(iso, "8.24"),
        user=security_manager,
        data={"applicable": False, "justification": "Not needed"},
    )
    assert selectors.progress(iso).inconsistent == []
    risk_provider({implementation.control_id: ["R-001"]})
    assert [b.control_id for b in selectors.progress(iso).inconsistent] == [
        implementation.control_id
    ]


def test_control_page_shows_risks_checks_and_mappings(
    iso, mapping, auditor, client_as, risk_provider, check_provider
):
    control = iso.controls.get(identifier="5.1")
    response = client_as(auditor).get(reverse("isms:control_detail", args=[control.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "No automated evidence" in text
    assert "GV.PO-01" in text
    risk_provider({control.pk: ["R-007"]})
    check_provider({control.pk: (5, 2)})
    text = (
        client_as(auditor).get(reverse("isms:control_detail", args=[control.pk])).content.decode()
    )
    assert "R-007" in text
    assert "5 passed" in text and "2 failed" in text
