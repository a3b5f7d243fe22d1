"""Reading asset import files (CSV or XLSX) into rows the import service can check.

Row 1 is the header; the first asset is on row 2, as a spreadsheet numbers it, so the
row numbers in error messages match what the user sees. Columns (any order, names as
in the export; see docs/assets.md):

ref, name, description, asset_class, category, value_usd, owner (user name),
confidentiality, integrity, availability (1-4), business_unit, location, tags
(comma-separated), review_interval_days, next_review_date (YYYY-MM-DD), depends_on
(refs, comma-separated), aws_services (codes, comma-separated).

A blank cell leaves the field as it is (or at its default for a new asset), except in
depends_on and aws_services, whose cell, when the column is present, is the whole list.
The export's read-only columns (value_at_stake_usd, overdue) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError

from assets.choices import EDITABLE_FIELDS, AssetCategory, AssetClass, SecurityNeed
from assets.models import Asset, AwsService
from isms import importing as reader
from isms.importing import UnreadableFile
from isms.models import User

COLUMNS = [*EDITABLE_FIELDS, "depends_on", "aws_services"]
READ_ONLY_COLUMNS = {"value_at_stake_usd", "overdue"}
REQUIRED_COLUMNS = {"name", "asset_class", "category"}
LIST_COLUMNS = {"depends_on", "aws_services"}


class ImportRowForm(forms.Form):
    """Validates and converts the text of one row; owners and service codes are looked
    up for the whole file at once (clean_records), model rules are checked by the
    service (the same checks as the asset form)."""

    ref = forms.CharField(max_length=20, required=False)
    name = forms.CharField(max_length=200, required=False)
    description = forms.CharField(required=False)
    asset_class = forms.ChoiceField(choices=AssetClass.choices, required=False)
    category = forms.ChoiceField(choices=AssetCategory.choices, required=False)
    value_usd = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, required=False)
    owner = forms.CharField(max_length=150, required=False)  # a user name, looked up in bulk
    confidentiality = forms.TypedChoiceField(
        choices=SecurityNeed.choices, coerce=int, required=False
    )
    integrity = forms.TypedChoiceField(choices=SecurityNeed.choices, coerce=int, required=False)
    availability = forms.TypedChoiceField(choices=SecurityNeed.choices, coerce=int, required=False)
    business_unit = forms.CharField(max_length=100, required=False)
    location = forms.CharField(max_length=100, required=False)
    tags = forms.CharField(required=False)
    review_interval_days = forms.IntegerField(min_value=1, required=False)
    next_review_date = forms.DateField(input_formats=["%Y-%m-%d"], required=False)


_ROW_FIELDS = ImportRowForm.base_fields


def _split(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


def read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX file as (row number, {column: text}), header checked;
    the file is read by isms.importing (bounds, formula guard undone)."""
    table = reader.read_table(content, filename)
    header = [h.lower() for h in table[0]]
    unknown = [h for h in header if h and h not in COLUMNS and h not in READ_ONLY_COLUMNS]
    if unknown:
        raise UnreadableFile(
            f"Row 1: unknown column(s) {', '.join(unknown)}. Known columns: {', '.join(COLUMNS)}."
        )
    missing = REQUIRED_COLUMNS - set(header)
    if missing and "ref" not in header:
        raise UnreadableFile(f"Row 1: missing column(s) {', '.join(sorted(missing))}.")
    if len(header) != len({h for h in header if h}) + header.count(""):
        raise UnreadableFile("Row 1: a column appears twice.")
    rows = []
    for number, texts in enumerate(table[1:], start=2):
        if not any(texts):
            continue  # blank lines are not assets
        record = {
            column: (texts[i] if i < len(texts) else "")
            for i, column in enumerate(header)
            if column in COLUMNS
        }
        rows.append((number, record))
    if not rows:
        raise UnreadableFile("The file has a header but no assets.")
    return rows


@dataclass
class ImportRow:
    """One checked row: the fields it sets, its dependencies (refs) and AWS services
    when those columns are present (None otherwise), and the problems found in it."""

    number: int
    fields: dict
    depends_on: list[str] | None
    aws_services: list[AwsService] | None
    errors: list[str] = field(default_factory=list)
    asset: Asset | None = None  # set by the import service once the row is validated

    @property
    def ref(self) -> str:
        return self.fields.get("ref", "")


def clean_records(records: list[tuple[int, dict[str, str]]]) -> list[ImportRow]:
    """Check and convert every row, with one query for the owners and one for the AWS
    services of the whole file (not one per row); a ref that appears twice is an error
    on its second row."""
    services = {s.code: s for s in AwsService.objects.all()}
    names = {r["owner"] for _n, r in records if r.get("owner")}
    users = {u.username: u for u in User.objects.filter(is_active=True, username__in=names)}
    rows = []
    seen: dict[str, int] = {}
    for number, record in records:
        row = clean_record(number, record, services, users)
        if row.ref and row.ref in seen:
            row.errors.append(f"ref {row.ref} already appears on row {seen[row.ref]}.")
        elif row.ref:
            seen[row.ref] = number
        rows.append(row)
    return rows


def clean_record(
    number: int, record: dict[str, str], services: dict[str, AwsService], users: dict[str, User]
) -> ImportRow:
    """One row checked and converted: the form for the field texts, then the owner and
    the AWS service codes against what exists."""
    given = {k: v for k, v in record.items() if k not in LIST_COLUMNS and v != ""}
    errors = []
    fields = {}
    # The form's fields, cleaned one by one: what ImportRowForm(data=given).is_valid()
    # does (every field is optional), without deep-copying the form for every row.
    for name, text in given.items():
        try:
            fields[name] = _ROW_FIELDS[name].clean(text)
        except ValidationError as exc:
            errors.append(f"{name}: {' '.join(exc.messages)}")
    if "tags" in fields:
        fields["tags"] = fields["tags"].split(",")
    if "owner" in fields:
        owner = users.get(fields["owner"])
        if owner is None:
            errors.append(f"owner: no active user is named {fields['owner']}.")
        fields["owner"] = owner
    depends_on = _split(record["depends_on"]) if "depends_on" in record else None
    aws = None
    if "aws_services" in record:
        codes = list(dict.fromkeys(c.lower() for c in _split(record["aws_services"])))
        unknown = [c for c in codes if c not in services]
        if unknown:
            errors.append(f"aws_services: unknown service code {', '.join(unknown)}.")
        aws = [services[c] for c in codes if c in services]
    return ImportRow(number, fields, depends_on, aws, errors)
