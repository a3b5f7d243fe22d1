"""The risks app's contributions to the audit pack and to the reviews due."""

import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook

from isms.governance import audit_pack, reviews
from isms.governance.reviews import security_managers
from risks import providers
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db


def test_audit_pack_carries_the_methodology_and_the_register(security_manager):
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    files = {f.path: f for f in providers.audit_pack_files(security_manager)}
    assert any(path.startswith("03-risk-methodology/") for path in files)
    sheet = load_workbook(io.BytesIO(files["06-risks/risk-register.xlsx"].content)).active
    refs = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(refs) >= 30 and refs == sorted(refs)
    _, content = audit_pack.audit_pack_build(user=security_manager)
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "06-risks/risk-register.xlsx" in names


def test_risks_due_for_review_are_listed(security_manager, owner, methodology):
    due = make_risk(security_manager, review_date=datetime.date(2020, 1, 1), owner=owner)
    make_risk(security_manager, review_date=datetime.date(2999, 1, 1))
    make_risk(security_manager, review_date=datetime.date(2020, 6, 1))  # no owner
    items = [item for item in reviews.due(datetime.date(2021, 1, 1)) if item.kind == "Risk"]
    assert [item.obj.pk for item in items][0] == due.pk
    assert len(items) == 2
    assert items[0].owners == [owner]
    assert items[1].owners == list(security_managers())
