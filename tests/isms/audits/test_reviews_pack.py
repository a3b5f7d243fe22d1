"""Approved management reviews in the audit pack (the record exactly as approved, a
readable page, the actions) and on the dashboard."""

import hashlib
import io
import json
import zipfile

import pytest

from isms.audits.selectors_reviews import audit_pack_files
from isms.governance.audit_pack import audit_pack_build
from tests.isms.audits.reviews_helpers import approve, decide, prepare

pytestmark = pytest.mark.django_db


def test_the_pack_holds_each_approved_review_as_approved(security_manager, manager, auditor):
    review = prepare(security_manager, attendees=[manager])
    decide(review, security_manager, manager)
    approve(review, security_manager, manager)
    prepare(security_manager)  # a draft: not in the pack
    files = {f.path: f.content for f in audit_pack_files(auditor)}
    record = files[f"12-management-review/{review.reference}.json"]
    assert hashlib.sha256(record).hexdigest() == review.approved_sha256
    assert json.loads(record)["decisions"][0]["description"].startswith("Automate")
    page = files[f"12-management-review/{review.reference}.html"].decode()
    assert review.approved_sha256 in page and "Risk assessment results" in page
    assert b"MR-2026-01/D1" in files["12-management-review/actions.csv"]
    assert len([p for p in files if p.endswith(".json")]) == 1

    _name, data = audit_pack_build(user=auditor)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert f"12-management-review/{review.reference}.json" in names


def test_the_dashboard_shows_the_last_review_and_its_open_actions(
    client_as, security_manager, manager
):
    review = prepare(security_manager, attendees=[manager])
    decide(review, security_manager, manager)
    approve(review, security_manager, manager)
    page = client_as(manager).get("/").content.decode()
    assert "Last management review" in page and review.reference in page
    assert "Management review actions open" in page
