"""CSV and XLSX import (all or nothing, row numbers in errors) and export (formula-safe)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assets import graph, importing, services
from assets.models import Asset, AwsService
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


# --- Batch import: updates, replaced links, audit, and a bounded number of queries -------


def import_csv(rows):
    return services.asset_import(records=importing.read_table(csv_rows(rows), "a.csv"), user=None)


def csv_rows(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_import_updates_values_and_replaces_links_with_values_at_stake_right(security_manager):
    top, middle, bottom = chain(100, 10, 1)  # top -> middle -> bottom
    spare = AssetFactory(value_usd=5)
    result = import_csv(
        [
            ["ref", "value_usd", "depends_on", "aws_services"],
            [top.ref, "300", spare.ref, "s3, S3, ec2"],  # middle is unlinked, spare linked
            [middle.ref, "", f"{bottom.ref}", ""],
        ]
    )
    assert result == {"created": 0, "updated": 2}
    fresh = graph.values_at_stake(Asset.objects.values_list("pk", flat=True))
    stored = dict(Asset.objects.values_list("pk", "value_at_stake_usd"))
    assert stored == fresh
    assert stored[spare.pk] == 305 and stored[bottom.pk] == 11 and stored[middle.pk] == 10
    top = Asset.objects.get(pk=top.pk)
    assert list(top.depends_on.all()) == [spare]
    assert sorted(s.code for s in top.aws_services.all()) == ["ec2", "s3"]
    events = AuditEvent.objects.filter(action="update", object_id=str(top.pk), message="Import")
    assert events.count() == 1
    changes = events.get().changes
    assert changes["value_usd"] == ["100.00", "300.00"]
    assert changes["depends_on"] == [[middle.pk], [spare.pk]]
    # middle's row changed nothing: no event for it.
    assert not AuditEvent.objects.filter(object_id=str(middle.pk), message="Import").exists()


def test_import_audits_each_created_asset_with_its_links(security_manager):
    import_csv(
        [
            ["ref", "name", "asset_class", "category", "depends_on", "aws_services"],
            ["", "Generated", "support", "software", "B-1", "rds"],
            ["B-1", "Named", "support", "hardware", "", ""],
            ["A-001", "Takes the first generated ref", "support", "hardware", "", ""],
        ]
    )
    generated = Asset.objects.get(name="Generated")
    assert generated.ref == "A-002"  # A-001 is named by the file
    created = AuditEvent.objects.get(action="create", object_id=str(generated.pk))
    assert created.changes["depends_on"] == [Asset.objects.get(ref="B-1").pk]
    assert created.changes["aws_services"] == [AwsService.objects.get(code="rds").pk]
    assert created.changes == services._snapshots([generated])[generated.pk]
    assert services._snapshot(generated) == created.changes


def test_import_refuses_a_self_link_and_a_loop_through_existing_assets(security_manager):
    top, bottom = chain(100, 10)
    with pytest.raises(services.ImportFailed) as failure:
        import_csv(
            [
                ["ref", "name", "asset_class", "category", "depends_on"],
                ["S-1", "Self", "support", "software", "S-1"],
                [bottom.ref, "", "", "", top.ref],
            ]
        )
    assert failure.value.errors == [
        (2, "depends_on: An asset cannot depend on itself."),
        (
            3,
            f"depends_on: This dependency would create a loop: {bottom} → {top} → {bottom}.",
        ),
    ]
    assert not Asset.objects.filter(ref="S-1").exists()
    assert list(Asset.objects.get(pk=bottom.pk).depends_on.all()) == []


@pytest.mark.parametrize("size", [30, 300])
def test_import_queries_do_not_grow_with_rows(
    security_manager, size, django_assert_max_num_queries
):
    existing = AssetFactory()
    header = ["ref", "name", "asset_class", "category", "value_usd", "owner", "depends_on"]
    rows = [[*header, "aws_services"]]
    for n in range(size):
        depends = f"I-{n + 1}, {existing.ref}" if n + 1 < size else ""
        rows.append(
            [f"I-{n}", f"Row {n}", "support", "software", "10", "security_manager", depends, "s3"]
        )
    with django_assert_max_num_queries(40):
        assert import_csv(rows) == {"created": size, "updated": 0}
    # Every row but the last depends on `existing`; every row is above the last one.
    stake = Asset.objects.get(pk=existing.pk).value_at_stake_usd
    assert stake == existing.value_usd + 10 * (size - 1)
    assert Asset.objects.get(ref=f"I-{size - 1}").value_at_stake_usd == 10 * size
