"""Issue 16.9: the SoA PDF's layout, checked on the rendered PDF itself. pdfplumber
reads every word's box and the table's cells (the header cells are filled rectangles,
which give the column edges): no word may cross its cell's edge, headers and statuses
are whole words (no "Implemente-d"), and the title page has a document-control block."""

import io
import re

import pdfplumber
import pytest

from isms.frameworks import downloads, services
from isms.models import ControlImplementation
from tests.factories import PASSWORD, UserFactory, soa_decide_all

HEADER_FILL = (0.121569, 0.227451, 0.372549)  # #1f3a5f, the header cells' background
THEME_FILL = (0.909804, 0.933333, 0.964706)  # #e8eef6, the theme rows spanning the table
TOLERANCE = 0.5  # points
HEADER_WORDS = {
    "Control", "Title", "Applicable", "Reasons", "/", "justification", "Status", "Owner",
    "Implementation", "Risks", "Evidence", "Automated", "checks",
}  # fmt: skip
APPLICABLE_WORDS = {"Yes", "No"}
STATUS_WORDS = {"Not", "started", "Planned", "Partially", "implemented", "Implemented", "by"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _same(colour, expected) -> bool:
    return (
        colour is not None
        and len(colour) == 3
        and all(abs(a - b) < 0.01 for a, b in zip(colour, expected, strict=True))
    )


@pytest.fixture
def soa_pdf(iso, security_manager, manager):
    owner = UserFactory(first_name="Maximiliana", last_name="Featherstonehaugh-Wolfeschlegel")
    long_link = "https://evidence.example.com/" + "backup-restore-test-" * 12
    updates = {
        "5.1": {"status": "implemented", "description": "Policy set " * 60},
        "5.2": {"status": "partial", "target_date": "2027-03-31", "owner": owner},
        "5.3": {"status": "planned", "target_date": "2027-06-30", "evidence_text": long_link},
        "7.4": {"applicable": False, "justification": "No premises: " + "AWS " * 40},
    }
    for identifier, changes in updates.items():
        services.control_implementation_update(
            implementation=ControlImplementation.objects.get(control__identifier=identifier),
            user=security_manager,
            data={"applicable": True, "reasons": ["business", "legal", "contractual"]} | changes,
        )
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    services.soa_submit(soa=soa, user=security_manager)
    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD)
    soa.refresh_from_db()
    return soa, downloads.to_pdf(soa)


def test_no_word_overflows_its_cell_and_no_word_is_broken(soa_pdf):
    _soa, pdf = soa_pdf
    problems, cells_checked = [], 0
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        table_pages = document.pages[1:]
        assert table_pages, "the table starts on the second page"
        for number, page in enumerate(table_pages, start=2):
            headers = sorted(
                (r for r in page.rects if _same(r.get("non_stroking_color"), HEADER_FILL)),
                key=lambda r: r["x0"],
            )
            assert len(headers) == 10, f"page {number}: the header repeats with 10 columns"
            header_bottom = max(r["bottom"] for r in headers)
            themes = [r for r in page.rects if _same(r.get("non_stroking_color"), THEME_FILL)]
            footer = page.height - 16 / 25.4 * 72  # the bottom margin holds page numbers
            for word in page.extract_words():
                if word["top"] >= footer or word["bottom"] <= headers[0]["top"]:
                    continue  # running header and footer
                if any(t["top"] <= word["top"] and word["bottom"] <= t["bottom"] for t in themes):
                    continue  # a theme row spans the whole table
                column = next(
                    (
                        i
                        for i, r in enumerate(headers)
                        if r["x0"] - TOLERANCE <= word["x0"] < r["x1"]
                    ),
                    None,
                )
                where = f"page {number}: {word['text']!r}"
                if column is None:
                    problems.append(f"{where} starts outside every column")
                    continue
                cell = headers[column]
                cells_checked += 1
                if word["x1"] > cell["x1"] + TOLERANCE:
                    problems.append(f"{where} overflows column {column + 1}")
                if word["bottom"] <= header_bottom:
                    if word["text"] not in HEADER_WORDS:
                        problems.append(f"{where}: header word broken or run together")
                elif column == 2 and word["text"] not in APPLICABLE_WORDS:
                    problems.append(f"{where}: applicability broken mid-word")
                elif column == 4 and not (word["text"] in STATUS_WORDS or DATE.match(word["text"])):
                    problems.append(f"{where}: status broken mid-word")
    assert problems == []
    assert cells_checked > 1000  # the check did look at the table


def test_the_title_page_has_the_document_control_block(soa_pdf, settings):
    soa, pdf = soa_pdf
    control = downloads.document_control(soa)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        title = document.pages[0].extract_text()
        second = document.pages[1].extract_text()
    assert "Document control" in title
    for label in ("Document owner", "Classification", "Version", "Next review"):
        assert label in title
    assert control["next_review"] in title
    assert str(soa.frozen_by) in title
    assert settings.SOA_CLASSIFICATION in second  # on every page, top right
