"""Spreadsheet exports never carry a live formula."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from isms.exports import csv_bytes, safe_cell, xlsx_bytes


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("   =1+1", "'   =1+1"),
        ("plain", "plain"),
        (12, 12),
        (Decimal("1.50"), Decimal("1.50")),
        (-3, -3),
        (None, ""),
        (True, "yes"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_and_xlsx_neutralise_formulas():
    rows = [["=cmd|' /C calc'!A0", 5]]
    assert b"'=cmd" in csv_bytes(["a", "b"], rows)
    sheet = load_workbook(io.BytesIO(xlsx_bytes("T", ["a", "b"], rows))).active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 5
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B2"
