"""Spreadsheet-safe exports shared by every app (CSV and XLSX).

Text that a user typed can never become a live formula in the auditor's spreadsheet:
a cell whose text starts with = + - @, a tab, a carriage return or a line feed (also
after leading spaces or apostrophes) is prefixed with an apostrophe. Numbers stay numbers.
The imports (isms/importing.py `unguard`) remove exactly that apostrophe again, so an
export imported back gives the text that was exported; guarding text that already starts
with apostrophes keeps that reversal exact.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

from isms.uploads import download_headers

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def needs_guard(text: str) -> bool:
    """Whether `text` goes into a spreadsheet with an apostrophe in front of it: it
    starts with a formula trigger, after any leading apostrophes and spaces."""
    return text.lstrip("'").lstrip(" ").startswith(FORMULA_TRIGGERS)


def safe_cell(value):
    """The value as it may go into a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
            if timezone.is_aware(value)
            else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if needs_guard(text):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    return download_headers(response, filename)


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A formatted sheet: bold header, frozen header row, auto-filter, wrapped text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F3A5F")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 24
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, title: str, header: Sequence[str], rows) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(title, header, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return download_headers(response, filename)
