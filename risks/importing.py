"""CSV and XLSX import and export of the risk register.

Import is all or nothing: every row is validated first (with the same form and rules as
the page), every bad row is reported with its number (the header is row 1) and reason,
and only a file without errors is imported, in one transaction. Import creates new
risks; the derived columns of an export (ref, levels, $ figures) are ignored, and a row
naming an existing ref is refused so that importing an export twice duplicates nothing.
"""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from isms import audit
from isms.models import User
from isms.models.audit import AuditAction
from risks import services
from risks.forms import RiskForm
from risks.models import Risk, Threat, Vulnerability
from risks.selectors import active_version

IMPORT_COLUMNS = [
    "title",
    "description",
    "assets",
    "threat",
    "vulnerability",
    "owner",
    "status",
    "inherent_likelihood",
    "inherent_impact",
    "treatment",
    "treatment_justification",
    "residual_likelihood",
    "residual_impact",
    "review_date",
]
MAX_ROWS = 10_000


class ImportFailed(Exception):
    """The file was refused; `errors` lists "Row n: field: reason" lines."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")


def read_rows(upload) -> list[dict]:
    """The rows of an uploaded CSV or XLSX file as {column: text}, header normalised."""
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(upload, read_only=True, data_only=True).active
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook
            raise ImportFailed([f"The file is not a readable XLSX workbook ({exc})."]) from exc
        table = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed(["The file is not UTF-8 text."]) from exc
        table = list(csv.reader(io.StringIO(text)))
    if not table:
        raise ImportFailed(["The file is empty."])
    header = [str(h).strip().lower().replace(" ", "_") for h in table[0]]
    if "title" not in header or "assets" not in header:
        raise ImportFailed(["Row 1: the header must name at least the columns title and assets."])
    rows = []
    for values in table[1:]:
        if not any(str(v).strip() for v in values):
            rows.append(None)  # blank line: keeps row numbers right, skipped
            continue
        rows.append({h: _text(v) for h, v in zip(header, values, strict=False)})
    if len(rows) > MAX_ROWS:
        raise ImportFailed([f"At most {MAX_ROWS} rows per file."])
    return rows


def _text(value) -> str:
    if hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "date") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the apostrophe that exports put before formula-like text.
    return text[1:] if text.startswith("'") else text


def _form_data(row: dict, lookups: dict) -> tuple[dict, list[str]]:
    data, problems = {}, []
    for column in IMPORT_COLUMNS:
        value = row.get(column, "")
        if column in ("threat", "vulnerability") and value:
            found = lookups[column].get(value.lower())
            if found is None:
                problems.append(f"{column}: unknown {column} {value!r}")
            value = found or ""
        elif column == "owner" and value:
            found = lookups["owner"].get(value.lower())
            if found is None:
                problems.append(f"owner: unknown user {value!r}")
            value = found or ""
        data[column] = value
    data["status"] = data["status"] or "identified"
    return data, problems


def risk_import(*, user, rows: list[dict | None]) -> list[Risk]:
    """Validate every row, then create all the risks in one transaction (or none)."""
    if not user.has_perm("risks.add_risk"):
        raise PermissionDenied("Only security managers import risks.")
    version = active_version()
    scale = version.scale if version else None
    lookups = {
        "threat": {t.name.lower(): t.pk for t in Threat.objects.all()},
        "vulnerability": {v.name.lower(): v.pk for v in Vulnerability.objects.all()},
        "owner": {u.username.lower(): u.pk for u in User.objects.filter(is_active=True)},
    }
    refs = [row.get("ref") for row in rows if row and row.get("ref")]
    existing = set(Risk.objects.filter(ref__in=refs).values_list("ref", flat=True))
    errors, valid = [], []
    for number, row in enumerate(rows, start=2):
        if row is None:
            continue
        if row.get("ref") in existing:
            errors.append(
                f"Row {number}: ref: {row['ref']} already exists (import creates new risks; "
                "leave ref empty)."
            )
            continue
        data, problems = _form_data(row, lookups)
        form = RiskForm(data=data, user=user, scale=scale)
        if not form.is_valid():
            for field, messages in form.errors.items():
                for message in messages:
                    problems.append(f"{field}: {message}" if field != "__all__" else message)
        if problems:
            errors.extend(f"Row {number}: {problem}" for problem in problems)
            continue
        valid.append((number, form.changes()))
    if errors:
        raise ImportFailed(errors)
    if not valid:
        raise ImportFailed(["The file has no data rows."])
    created = []
    with transaction.atomic():
        for number, data in valid:
            try:
                created.append(services.risk_create(user=user, data=data))
            except ValidationError as exc:
                errors.extend(
                    f"Row {number}: {field}: {message}"
                    for field, messages in exc.message_dict.items()
                    for message in messages
                )
        if errors:
            # Raising inside the block rolls back the rows created so far.
            raise ImportFailed(errors)
        audit.record(None, AuditAction.IMPORT, message=f"Imported {len(created)} risk(s)")
    return created


EXPORT_COLUMNS = [
    "ref",
    *IMPORT_COLUMNS[:7],
    "inherent_likelihood",
    "inherent_impact",
    "inherent_level",
    "value_at_stake_usd",
    "exposure_factor",
    "sle_usd",
    "aro",
    "ale_usd",
    "treatment",
    "treatment_justification",
    "residual_likelihood",
    "residual_impact",
    "residual_level",
    "residual_ale_usd",
    "review_date",
    "accepted_until",
    "version",
]


def export_rows(queryset, scale):
    """Rows of the register export, one per risk (header: EXPORT_COLUMNS)."""

    def level(rank):
        found = scale.level(rank) if scale else None
        return found["name"] if found else ""

    for risk in queryset.iterator(chunk_size=2000):
        yield [
            risk.ref,
            risk.title,
            risk.description,
            risk.asset_refs or "",
            risk.threat.name if risk.threat else "",
            risk.vulnerability.name if risk.vulnerability else "",
            risk.owner.username if risk.owner else "",
            risk.status,
            risk.inherent_likelihood,
            risk.inherent_impact,
            level(risk.inherent_level),
            risk.value_at_stake_usd,
            risk.exposure_factor,
            risk.sle_usd,
            risk.aro,
            risk.ale_usd,
            risk.treatment,
            risk.treatment_justification,
            risk.residual_likelihood,
            risk.residual_impact,
            level(risk.residual_level),
            risk.residual_ale_usd,
            risk.review_date,
            risk.accepted_until,
            risk.version,
        ]
