"""The audit pack: what it contains, the manifest's hashes, who may download it."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse

from isms import approvals
from isms.governance import audit_pack, services
from isms.models import AuditEvent
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_policy


@pytest.fixture
def approved_documents(security_manager, manager):
    scope = services.scope_version_create(
        user=security_manager,
        data={
            "description": "The platform",
            "exclusions": [{"item": "Dev", "justification": "No data"}],
        },
    )
    for obj in (scope, make_policy(security_manager, body="Rule =1+1").versions.get()):
        request = approvals.approval_request_submit(obj=obj, user=security_manager)
        approvals.approval_request_approve(
            request=request, user=manager, password=PASSWORD, comment="=HYPERLINK()"
        )
    make_policy(security_manager)  # a draft: not in the pack
    return scope


def _unzip(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.django_db
def test_pack_holds_approved_documents_records_and_a_manifest(approved_documents, auditor):
    _name, data = audit_pack.audit_pack_build(user=auditor)
    files = _unzip(data)
    names = sorted(files)
    assert names[0] == "01-scope/scope-v1.md"
    assert "08-approvals/approval-records.csv" in names
    policies = [n for n in names if n.startswith("02-policies/")]
    assert len(policies) == 1  # the draft is left out
    manifest = files["manifest.txt"].decode()
    for name, content in files.items():
        if name != "manifest.txt":
            assert f"{hashlib.sha256(content).hexdigest()}  " in manifest, name
    # The approved text in the pack hashes to the approval's SHA-256.
    records = list(
        csv.DictReader(io.StringIO(files["08-approvals/approval-records.csv"].decode("utf-8-sig")))
    )
    assert len(records) == 2
    scope_hash = hashlib.sha256(files["01-scope/scope-v1.md"]).hexdigest()
    assert scope_hash in {row["content SHA-256"] for row in records}
    assert {row["decided by"] for row in records} == {"manager"}
    # Spreadsheet-safe: the comment cannot become a formula.
    assert {row["comment"] for row in records} == {"'=HYPERLINK()"}


@pytest.mark.django_db
def test_download_is_recorded_and_role_limited(client_as, approved_documents, auditor, outsider):
    response = client_as(auditor).get(reverse("isms:audit_pack"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    event = AuditEvent.objects.get(action="download")
    assert event.actor == auditor
    assert event.changes["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert client_as(outsider).get(reverse("isms:audit_pack")).status_code == 403


@pytest.mark.django_db
def test_other_apps_add_files_through_the_registry(auditor):
    with audit_pack.providers.override() as providers:
        providers.register(
            lambda user: [audit_pack.PackFile("04-risks/register.xlsx", b"xlsx", "Risk register")]
        )
        files = _unzip(audit_pack.audit_pack_build(user=auditor)[1])
    assert files["04-risks/register.xlsx"] == b"xlsx"
    assert "Risk register" in files["manifest.txt"].decode()


@pytest.mark.django_db
def test_governance_files_need_a_constant_number_of_queries(
    security_manager, manager, auditor, django_assert_max_num_queries
):
    for _ in range(8):
        version = make_policy(security_manager).versions.get()
        request = approvals.approval_request_submit(obj=version, user=security_manager)
        approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    with django_assert_max_num_queries(8):
        files = list(audit_pack.governance_files(auditor))
    assert len([f for f in files if f.path.startswith("02-policies/")]) == 8
