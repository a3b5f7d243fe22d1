"""CSV and XLSX import (all or nothing, row numbers in errors) and export (formula-safe)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assets.models import Asset
from isms.models import AuditEvent
from tests.assets.factories import AssetFactory, chain

pytestmark = pytest.mark.django_db

IMPORT = reverse("assets:asset_import")


def csv_file(rows, name="assets.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("assets.xlsx", buffer.getvalue())


HEADER = [
    "ref",
    "name",
    "asset_class",
    "category",
    "value_usd",
    "owner",
    "depends_on",
    "aws_services",
    "tags",
]


def test_csv_import_creates_assets_and_dependencies_by_ref(security_manager, client_as):
    existing = AssetFactory(ref="A-050", value_usd=1)
    rows = [
        HEADER,
        [
            "P-1",
            "Billing",
            "essential",
            "process",
            "1000",
            "security_manager",
            "DB-1, A-050",
            "",
            "pci",
        ],
        ["DB-1", "Billing DB", "support", "software", "100", "", "", "rds", ""],
        ["", "Generated ref", "support", "personnel", "10", "", "DB-1", "", ""],
    ]
    response = client_as(security_manager).post(IMPORT, {"file": csv_file(rows)})
    assert response.status_code == 302, response.content.decode()
    billing = Asset.objects.get(ref="P-1")
    db = Asset.objects.get(ref="DB-1")
    generated = Asset.objects.get(name="Generated ref")
    assert generated.ref == "A-051"
    assert billing.owner == security_manager and billing.tags == ["pci"]
    assert set(billing.depends_on.all()) == {db, existing}
    assert [s.code for s in db.aws_services.all()] == ["rds"]
    assert db.value_at_stake_usd == 1110
    assert Asset.objects.get(pk=existing.pk).value_at_stake_usd == 1001
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_a_bad_import_saves_nothing_and_names_every_bad_row(security_manager, client_as):
    AssetFactory(ref="A-001", name="Kept", value_usd=5)
    rows = [
        HEADER,
        ["", "Good row", "essential", "process", "10", "", "", "", ""],  # row 2: fine
        ["", "", "essential", "process", "10", "", "", "", ""],  # row 3: no name
        ["", "Wrong category", "essential", "hardware", "10", "", "", "", ""],  # row 4
        ["", "Negative", "support", "software", "-1", "", "", "", ""],  # row 5
        ["", "Unknown dep", "support", "software", "1", "nobody", "Z-9", "lambda2", ""],  # 6
        ["A-001", "Renamed", "", "", "", "", "", "", ""],  # row 7: fine, an update
        ["L-1", "Loop one", "support", "software", "1", "", "L-2", "", ""],  # row 8
        ["L-2", "Loop two", "support", "software", "1", "", "L-1", "", ""],  # row 9
    ]
    response = client_as(security_manager).post(IMPORT, {"file": csv_file(rows)})
    assert response.status_code == 400
    errors = response.context["errors"]
    numbers = [int(e.split(":")[0].removeprefix("Row ")) for e in errors]
    assert sorted(set(numbers)) == [3, 4, 5, 6, 9]
    text = " | ".join(errors)
    assert "Row 3: name: This field cannot be blank." in text
    assert "Row 4: category:" in text
    assert "Row 5: value_usd:" in text
    assert "owner:" in text and "lambda2" in text and "Z-9" in text
    assert "Row 9: depends_on: This dependency would create a loop: L-2" in text
    assert Asset.objects.count() == 1
    assert Asset.objects.get().name == "Kept"


def test_xlsx_import(security_manager, client_as):
    rows = [HEADER, ["X-1", "From Excel", "essential", "activity", 12.5, "", "", "s3", ""]]
    response = client_as(security_manager).post(IMPORT, {"file": xlsx_file(rows)})
    assert response.status_code == 302
    asset = Asset.objects.get(ref="X-1")
    assert str(asset.value_usd) == "12.50"


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("a.txt", b"x"), "Upload a .csv or .xlsx file."),
        (SimpleUploadedFile("a.csv", b"name,colour\nX,red\n"), "unknown column(s) colour"),
        (SimpleUploadedFile("a.csv", b"name,asset_class,category\n"), "no assets"),
        (SimpleUploadedFile("a.xlsx", b"not a zip"), "cannot be read"),
    ],
)
def test_unreadable_files_are_explained(security_manager, client_as, upload, message):
    response = client_as(security_manager).post(IMPORT, {"file": upload})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Asset.objects.exists()


def test_export_csv_is_filtered_and_formula_safe(auditor, client_as):
    AssetFactory(name='=HYPERLINK("http://evil")', business_unit="Ops", value_usd=3)
    AssetFactory(name="Other", business_unit="Sales")
    top, bottom = chain(100, 10)
    response = client_as(auditor).get(
        reverse("assets:asset_list"), {"export": "csv", "business_unit": "Ops"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="assets-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ref", "name", "description"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_export_xlsx_round_trips_through_import(security_manager, client_as):
    top, bottom = chain(100, 10)
    client = client_as(security_manager)
    response = client.get(reverse("assets:asset_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[-2:] == ["value_at_stake_usd", "overdue"]
    by_ref = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_ref[top.ref]["depends_on"] == bottom.ref
    assert float(by_ref[bottom.ref]["value_at_stake_usd"]) == 110
    again = client.post(IMPORT, {"file": SimpleUploadedFile("a.xlsx", response.content)})
    assert again.status_code == 302
    assert Asset.objects.count() == 2


def test_export_and_import_need_their_permissions(owner, manager, client_as):
    AssetFactory(owner=owner)
    assert client_as(owner).get(reverse("assets:asset_list"), {"export": "csv"}).status_code == 403
    assert (
        client_as(manager).get(reverse("assets:asset_list"), {"export": "csv"}).status_code == 200
    )
    assert client_as(manager).post(IMPORT, {"file": csv_file([HEADER])}).status_code == 403
