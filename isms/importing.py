"""Reading uploaded files, the one way every import does: tables (CSV or XLSX) and
documents (JSON or YAML), within bounds.

`read_table(content, filename)` returns the rows of the first sheet (or the CSV) as
lists of cell texts; row 1 is the header, so `rows[i]` is row `i + 1` as a spreadsheet
numbers it, blank rows included (as empty lists) to keep those numbers right. Each text
is stripped and has the export's formula guard undone (`unguard`): exporting a register
and importing the file back gives the text that was exported.

`load_document(raw, filename)` parses JSON, or YAML when the name ends in .yaml/.yml.

Every parser is bounded, whatever the file declares, by settings (see docs/security.md):
IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS, IMPORT_MAX_CELLS and IMPORT_MAX_CELL_CHARS for
tables; IMPORT_MAX_UNZIPPED_BYTES for what an XLSX decompresses to (checked in the zip
directory before openpyxl opens it; the sheet's declared dimension is ignored);
IMPORT_MAX_DEPTH and IMPORT_MAX_NODES for documents (YAML aliases are refused, so a
document is a tree as large as its text); IMPORT_MAX_SECONDS for the time spent reading.
Beyond a bound, or for a file that is not what it claims, `UnreadableFile` says why in
words for the user, never in the parser's own text.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from datetime import date, datetime
from datetime import time as time_of_day

from django.conf import settings

from isms.exports import needs_guard

EXCEL_MAX_ROWS = 1_048_576


class UnreadableFile(ValueError):
    """The file cannot be imported as a whole; the message says why, for the user."""


def unguard(text: str) -> str:
    """`text` without the apostrophe `isms.exports.safe_cell` put in front of it, if it
    did: exactly the inverse of the export's formula guard."""
    if text.startswith("'") and needs_guard(text[1:]):
        return text[1:]
    return text


def cell_text(value) -> str:
    """One cell (a CSV string or an openpyxl value) as the text an import checks."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date | time_of_day):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unguard(str(value)).strip()


class _Budget:
    """Counts what a table holds against the bounds, and the time spent reading it."""

    def __init__(self):
        self.rows = settings.IMPORT_MAX_ROWS + 1  # and the header
        self.columns = settings.IMPORT_MAX_COLUMNS
        self.cells = settings.IMPORT_MAX_CELLS
        self.cell_chars = settings.IMPORT_MAX_CELL_CHARS
        self.deadline = time.monotonic() + settings.IMPORT_MAX_SECONDS
        self.filled = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise UnreadableFile(
                f"Reading the file takes too long (over {settings.IMPORT_MAX_SECONDS} s): "
                "split it into smaller files."
            )

    def row(self, number: int, texts: list[str]) -> list[str]:
        """The row's texts without trailing blanks, refused beyond a bound."""
        while texts and not texts[-1]:
            texts.pop()
        if not texts:
            return texts
        if number > self.rows:
            raise UnreadableFile(
                f"Row {number}: at most {settings.IMPORT_MAX_ROWS} rows per import; split the file."
            )
        if len(texts) > self.columns:
            raise UnreadableFile(f"Row {number}: at most {self.columns} columns per import.")
        for index, text in enumerate(texts):
            if len(text) > self.cell_chars:
                raise UnreadableFile(
                    f"Row {number}, column {index + 1}: a cell holds at most "
                    f"{self.cell_chars} characters."
                )
        self.filled += len(texts)
        if self.filled > self.cells:
            raise UnreadableFile(f"Row {number}: at most {self.cells} cells per import.")
        if number % 1000 == 0:
            self.check_time()
        return texts


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """The rows of a CSV or XLSX file as lists of cell texts (row 1 first, blank rows
    as []), trailing blank rows dropped; UnreadableFile when the file cannot be read or
    is beyond a bound."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(content, _Budget())
    elif name.endswith(".csv"):
        rows = _read_csv(content, _Budget())
    else:
        raise UnreadableFile("Upload a .csv or .xlsx file.")
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        raise UnreadableFile("The file is empty.")
    return rows


def _read_csv(content: bytes, budget: _Budget) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The CSV file is not UTF-8 text.") from None
    if "\x00" in text:
        raise UnreadableFile("The CSV file holds a NUL character: it is not a text file.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error:
            # The csv module's own limit (131,072 characters in a field) or a broken
            # quote: its message is not for users.
            raise UnreadableFile(
                f"Row {len(rows) + 1}: the CSV cannot be read there (a cell longer than "
                f"{budget.cell_chars} characters or an unclosed quote)."
            ) from None
        rows.append(budget.row(len(rows) + 1, [cell_text(c) for c in cells]))


def _check_zip(content: bytes) -> None:
    """Refuse an XLSX whose members would decompress beyond IMPORT_MAX_UNZIPPED_BYTES.
    The sizes come from the zip directory; zipfile never returns more than a member's
    declared size, so a lying directory cannot get past this."""
    limit = settings.IMPORT_MAX_UNZIPPED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableFile("The XLSX file cannot be read: it is not a workbook.") from None
    if len(members) > 1000 or sum(m.file_size for m in members) > limit:
        raise UnreadableFile(
            f"The XLSX file unpacks to more than {limit // (1024 * 1024)} MB: "
            "save it again or split it."
        )


def _read_xlsx(content: bytes, budget: _Budget) -> list[list[str]]:
    _check_zip(content)
    from openpyxl import load_workbook

    rows: list[list[str]] = []
    blanks = 0
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # Ignore the dimension the sheet declares (it may claim a million rows and
            # columns) and never read past one column beyond the bound: the imports
            # ignore a column without a name in the header anyway.
            sheet.reset_dimensions()
            for number, values in enumerate(
                sheet.iter_rows(max_col=budget.columns + 1, values_only=True), start=1
            ):
                if number % 1000 == 0:
                    budget.check_time()
                if number > EXCEL_MAX_ROWS:
                    raise UnreadableFile("The sheet has more rows than a spreadsheet can hold.")
                if values.count(None) == len(values):
                    blanks += 1  # kept only if a row with content follows
                    continue
                texts = budget.row(number, [cell_text(v) for v in values])
                rows.extend([] for _ in range(blanks))
                blanks = 0
                rows.append(texts)
        finally:
            workbook.close()
    except UnreadableFile:
        raise
    except Exception:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds
        # Also what defusedxml raises for entities or a DTD inside the workbook.
        raise UnreadableFile(
            "The XLSX file cannot be read: it is damaged or not a workbook."
        ) from None
    return rows


# --- Documents (JSON, YAML) -------------------------------------------------------------


def load_document(raw: bytes | str, filename: str = ""):
    """The parsed JSON or YAML document (YAML when `filename` ends in .yaml/.yml),
    within IMPORT_MAX_DEPTH and IMPORT_MAX_NODES; UnreadableFile otherwise."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile("The file is not UTF-8 text.") from None
    yaml = filename.lower().endswith((".yaml", ".yml"))
    document = _load_yaml(raw) if yaml else _load_json(raw)
    _check_tree(document)
    return document


def _too_deep() -> UnreadableFile:
    return UnreadableFile(
        f"The document is nested more than {settings.IMPORT_MAX_DEPTH} levels deep."
    )


def _load_json(raw: str):
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        raise _too_deep() from None


def _load_yaml(raw: str):
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        """SafeLoader that refuses aliases (so a small file cannot expand into a huge
        tree), nesting deeper than IMPORT_MAX_DEPTH, more than IMPORT_MAX_NODES values
        and reading longer than IMPORT_MAX_SECONDS (PyYAML is pure Python)."""

        depth = 0
        nodes = 0
        deadline = time.monotonic() + settings.IMPORT_MAX_SECONDS

        def compose_node(self, parent, index):
            self.nodes += 1
            if self.nodes > settings.IMPORT_MAX_NODES:
                raise UnreadableFile(
                    f"The document holds more than {settings.IMPORT_MAX_NODES} values."
                )
            if self.nodes % 1000 == 0 and time.monotonic() > self.deadline:
                raise UnreadableFile(
                    f"Reading the file takes too long (over {settings.IMPORT_MAX_SECONDS} s)."
                )
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise UnreadableFile(
                    f"Line {mark.line + 1}: YAML aliases (*name) are not accepted in an "
                    "import; write the values out."
                )
            self.depth += 1
            if self.depth > settings.IMPORT_MAX_DEPTH:
                raise _too_deep()
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    loader = BoundedLoader(raw)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise UnreadableFile(f"The file is not valid YAML{where}.") from None
    except yaml.YAMLError:
        raise UnreadableFile("The file is not valid YAML.") from None
    except RecursionError:
        raise _too_deep() from None
    finally:
        loader.dispose()


def _check_tree(document) -> None:
    """Refuse a document deeper than IMPORT_MAX_DEPTH or with more than
    IMPORT_MAX_NODES values, walking it without recursion."""
    max_depth, max_nodes = settings.IMPORT_MAX_DEPTH, settings.IMPORT_MAX_NODES
    stack = [(document, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise UnreadableFile(f"The document holds more than {max_nodes} values.")
        if depth > max_depth:
            raise _too_deep()
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
