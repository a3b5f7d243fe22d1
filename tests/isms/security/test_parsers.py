"""Every import parser is bounded and every malformed file is a 400 with our own words.

Table-driven over the three upload pages that parse files (asset import, risk import,
framework import): a tiny file that declares a huge sheet, decompresses to a lot, nests
deeply or expands aliases is refused quickly with a clear message; a file the parser
chokes on (CSV field over the csv module's limit, XML entities in an XLSX, broken
JSON/YAML) is a 400 that never shows the parser's own text. Plus the round trip: an
export imported back gives the exported text, whatever formula guard the export added.
"""

import csv
import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assets.models import Asset
from isms import importing as reader
from isms.exports import safe_cell
from isms.models import Framework
from risks.models import Risk
from tests.assets.factories import AssetFactory
from tests.risks.factories import approved_methodology, make_risk

pytestmark = pytest.mark.django_db

ASSET_IMPORT = reverse("assets:asset_import")
RISK_IMPORT = reverse("risks:risk_import")
FRAMEWORK_IMPORT = reverse("isms:framework_import")
ASSET_HEADER = ["name", "asset_class", "category"]
RISK_HEADER = ["title", "assets"]
# What a parser says in its own words: never shown to the user.
PARSER_WORDS = (
    "Traceback",
    "field larger than field limit",
    "Expecting",
    "while parsing",
    "EntitiesForbidden",
    "ParseError",
    "recursion",
    "line contains NUL",
    "File is not a zip",
)

# --- Files --------------------------------------------------------------------------------


def csv_upload(text: str, name: str = "table.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(xml: str, header=ASSET_HEADER) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `xml`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([header])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = xml.encode()
            target.writestr(info.filename, data)
    return out.getvalue()


SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row(names) -> str:
    letters = "ABCDEFGHIJ"
    return '<row r="1">' + "".join(inline(f"{letters[i]}1", n) for i, n in enumerate(names))


def huge_declared_sheet(header=ASSET_HEADER) -> bytes:
    """~2 KB: a sheet that declares every row and column Excel has, with one value in
    its very last row, first and last columns (what took 680 MB before)."""
    rows = header_row(header) + "</row>" + '<row r="1048576">' + inline("A1048576", "x")
    rows += inline("XFD1048576", "x")
    return with_sheet(SHEET.format(doctype="", dimension="A1:XFD1048576", rows=rows + "</row>"))


def entity_sheet(header=ASSET_HEADER, laughs: bool = False) -> bytes:
    """An XLSX whose sheet declares XML entities (a billion laughs when `laughs`)."""
    if laughs:
        entities = '<!ENTITY a0 "lol">' + "".join(
            f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
        )
        value = "&a9;"
    else:
        entities, value = '<!ENTITY name "Injected">', "&name;"
    doctype = f"<!DOCTYPE worksheet [{entities}]>"
    rows = header_row(header) + "</row>" + '<row r="2">' + inline("A2", value)
    rows += inline("B2", "essential") + inline("C2", "process") + "</row>"
    return with_sheet(SHEET.format(doctype=doctype, dimension="A1:C2", rows=rows))


def padded_sheet(header=ASSET_HEADER) -> bytes:
    """An XLSX whose sheet decompresses to ~3 MB of padding (over a 1 MB bound)."""
    rows = header_row(header) + "</row>" + "<!--" + " " * 3_000_000 + "-->"
    return with_sheet(SHEET.format(doctype="", dimension="A1:C1", rows=rows))


def nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def alias_bomb_yaml() -> str:
    """0.5 KB that a plain SafeLoader turns into a billion-leaf tree."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append('format: "isms-catalogue/1"')
    lines.append('framework: {code: "x", name: "X"}')
    lines.append("controls: *a8")
    return "\n".join(lines) + "\n"


# --- Table uploads: asset and risk imports ------------------------------------------------

TABLE_CASES = [
    # (case, file name, builder(header) -> bytes, settings overrides, words of the message)
    (
        "csv field over the csv module's limit",
        "t.csv",
        lambda h: (",".join(h) + '\n"' + "x" * 200_000 + '",essential,process\n').encode(),
        {},
        "longer than 32767 characters",
    ),
    (
        "csv with a NUL byte",
        "t.csv",
        lambda h: (",".join(h) + "\nA\x00B,essential,process\n").encode(),
        {},
        "NUL",
    ),
    (
        "csv wider than the column bound",
        "t.csv",
        lambda h: (",".join(h + [f"c{i}" for i in range(120)]) + "\n").encode(),
        {},
        "at most 100 columns",
    ),
    (
        "csv longer than the row bound",
        "t.csv",
        lambda h: (",".join(h) + "\n" + "A-1,essential,process\n" * 30).encode(),
        {"IMPORT_MAX_ROWS": 20},
        "at most 20 rows",
    ),
    (
        "csv over the cell bound",
        "t.csv",
        lambda h: (",".join(h) + "\n" + "A-1,essential,process\n" * 30).encode(),
        {"IMPORT_MAX_CELLS": 50},
        "at most 50 cells",
    ),
    ("xlsx declaring a huge sheet", "t.xlsx", huge_declared_sheet, {}, "at most 20000 rows"),
    ("xlsx with an XML entity", "t.xlsx", entity_sheet, {}, "cannot be read"),
    (
        "xlsx with a billion laughs",
        "t.xlsx",
        lambda h: entity_sheet(h, laughs=True),
        {},
        "cannot be read",
    ),
    (
        "xlsx unpacking beyond the bound",
        "t.xlsx",
        padded_sheet,
        {"IMPORT_MAX_UNZIPPED_BYTES": 1024 * 1024},
        "unpacks to more than 1 MB",
    ),
    ("xlsx that is not a zip", "t.xlsx", lambda h: b"PK\x03\x04 not a zip", {}, "cannot be read"),
]


@pytest.fixture
def import_page(request, security_manager, client_as):
    """(url, header, model) of the asset or the risk import page, signed in."""
    if request.param == "risks":
        approved_methodology(author=security_manager, approver=request.getfixturevalue("manager"))
        return client_as(security_manager), RISK_IMPORT, RISK_HEADER, Risk
    return client_as(security_manager), ASSET_IMPORT, ASSET_HEADER, Asset


@pytest.mark.parametrize("import_page", ["assets", "risks"], indirect=True)
@pytest.mark.parametrize(
    ("case", "filename", "build", "bounds", "expected"),
    TABLE_CASES,
    ids=[c[0] for c in TABLE_CASES],
)
def test_bad_tables_are_refused_with_our_own_words(
    import_page, settings, case, filename, build, bounds, expected
):
    client, url, header, model = import_page
    for name, value in bounds.items():
        setattr(settings, name, value)
    started = time.monotonic()
    response = client.post(url, {"file": SimpleUploadedFile(filename, build(header))})
    text = response.content.decode()
    assert response.status_code == 400, case
    assert expected in text, case
    assert not any(word in text for word in PARSER_WORDS), case
    assert not model.objects.filter(**{"name" if model is Asset else "title": "Injected"})
    assert time.monotonic() - started < 15, case


def test_huge_declared_sheet_is_refused_in_little_memory():
    content = huge_declared_sheet()
    assert len(content) < 6000
    tracemalloc.start()
    try:
        with pytest.raises(reader.UnreadableFile, match="at most 20000 rows"):
            reader.read_table(content, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_openpyxl_parses_through_defusedxml():
    from openpyxl import DEFUSEDXML

    assert DEFUSEDXML is True


def test_reading_stops_at_the_time_bound(settings):
    settings.IMPORT_MAX_SECONDS = 0
    rows = "\n".join(["A,essential,process"] * 3000)
    with pytest.raises(reader.UnreadableFile, match="takes too long"):
        reader.read_table(f"name,asset_class,category\n{rows}\n".encode(), "t.csv")


# --- Document uploads: the framework import -----------------------------------------------

DOCUMENT_CASES = [
    ("deeply nested JSON", "f.json", nested_json(100_000), {}, "nested more than 32 levels"),
    ("deeply nested YAML", "f.yaml", nested_json(5_000), {}, "nested more than 32 levels"),
    ("YAML aliases", "f.yaml", alias_bomb_yaml(), {}, "aliases"),
    ("broken JSON", "f.json", '{"format": ', {}, "not valid JSON (line 1, column 12)"),
    ("broken YAML", "f.yaml", "a: [b, c", {}, "not valid YAML (line 1, column 9)"),
    (
        "JSON over the node bound",
        "f.json",
        "[" + ",".join(["1"] * 500) + "]",
        {"IMPORT_MAX_NODES": 100},
        "more than 100 values",
    ),
    ("not UTF-8", "f.json", "\udcff", {}, "not UTF-8"),
]


@pytest.mark.parametrize(
    ("case", "filename", "text", "bounds", "expected"),
    DOCUMENT_CASES,
    ids=[c[0] for c in DOCUMENT_CASES],
)
def test_bad_documents_are_refused_with_our_own_words(
    security_manager, client_as, settings, case, filename, text, bounds, expected
):
    for name, value in bounds.items():
        setattr(settings, name, value)
    content = text.encode("utf-8", "surrogateescape")
    started = time.monotonic()
    response = client_as(security_manager).post(
        FRAMEWORK_IMPORT, {"kind": "catalogue", "file": SimpleUploadedFile(filename, content)}
    )
    page = response.content.decode()
    assert response.status_code == 400, case
    assert expected in page, case
    assert not any(word in page for word in PARSER_WORDS), case
    assert not Framework.objects.filter(code="x").exists()
    assert time.monotonic() - started < 15, case


def test_documents_within_the_bounds_still_load():
    assert reader.load_document('{"a": [[[1]]]}', "f.json") == {"a": [[[1]]]}
    assert reader.load_document("a: [1, {b: 2}]\n", "f.yml") == {"a": [1, {"b": 2}]}


# --- Round trip: export, import back, same text -------------------------------------------

FORMULA_TEXTS = [
    "-prod",
    "=1+2",
    "+44 20 7946 0000",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://evil")',
    "'quoted",
    "'-already quoted",
    "''=two apostrophes",
    "plain",
]
EDGE_TEXTS = ["\t=1", "\r-x", "\nfoo", "\n=1", " =x", "' =x", "'", "", "a\n=b", "-"]


@pytest.mark.parametrize("text", FORMULA_TEXTS + EDGE_TEXTS)
def test_unguard_undoes_exactly_what_the_export_guard_adds(text):
    assert reader.unguard(safe_cell(text)) == text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_assets_round_trip_through_export_and_import(security_manager, client_as, kind):
    for index, text in enumerate(FORMULA_TEXTS):
        AssetFactory(ref=f"A-{index + 1:03}", name=text, description=f"{text} (description)")
    client = client_as(security_manager)
    exported = client.get(reverse("assets:asset_list"), {"export": kind})
    assert exported.status_code == 200
    upload = SimpleUploadedFile(f"assets.{kind}", exported.getvalue())
    response = client.post(ASSET_IMPORT, {"file": upload})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert sorted(Asset.objects.values_list("name", flat=True)) == sorted(FORMULA_TEXTS)
    assert sorted(Asset.objects.values_list("description", flat=True)) == sorted(
        f"{t} (description)" for t in FORMULA_TEXTS
    )


def without_first_column(content: bytes, kind: str) -> bytes:
    if kind == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        workbook.active.delete_cols(1)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(row[1:] for row in rows)
    return buffer.getvalue().encode()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_risks_round_trip_through_export_and_import(security_manager, manager, client_as, kind):
    approved_methodology(author=security_manager, approver=manager)
    asset = AssetFactory(ref="A-900", value_usd=1000)
    for text in FORMULA_TEXTS:
        make_risk(security_manager, assets=[asset], title=text, description=f"{text} (why)")
    client = client_as(security_manager)
    exported = client.get(reverse("risks:risk_list"), {"export": kind})
    assert exported.status_code == 200
    # Import creates new risks: the same file without its ref column, as it was exported.
    upload = SimpleUploadedFile(f"risks.{kind}", without_first_column(exported.getvalue(), kind))
    response = client.post(RISK_IMPORT, {"file": upload})
    assert response.status_code == 302, response.context and response.context["errors"]
    titles = list(Risk.objects.values_list("title", flat=True))
    assert sorted(titles) == sorted(FORMULA_TEXTS * 2)
    descriptions = list(Risk.objects.values_list("description", flat=True))
    assert sorted(descriptions) == sorted([f"{t} (why)" for t in FORMULA_TEXTS] * 2)


def test_yaml_reading_stops_at_the_time_bound(settings):
    settings.IMPORT_MAX_SECONDS = 0
    text = "".join(f"- item {i}\n" for i in range(3000))
    with pytest.raises(reader.UnreadableFile, match="takes too long"):
        reader.load_document(text, "f.yaml")


def test_yaml_node_bound_is_checked_while_composing(settings):
    settings.IMPORT_MAX_NODES = 100
    with pytest.raises(reader.UnreadableFile, match="more than 100 values"):
        reader.load_document("".join(f"- {i}\n" for i in range(500)), "f.yaml")
