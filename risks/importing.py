"""CSV and XLSX import and export of the risk register.

Import is all or nothing: every row is validated first (with the same form and rules as
the page), every bad row is reported with its number (the header is row 1) and reason,
and only a file without errors is imported, in one transaction. Import creates new
risks; the derived columns of an export (ref, levels, $ figures) are ignored, and a row
naming an existing ref is refused so that importing an export twice duplicates nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from isms import audit
from isms import importing as reader
from isms.models import User
from isms.models.audit import AuditAction
from isms.templatetags.isms_ui import number as plain_number
from risks import services
from risks.choices import RiskStatus, TreatmentOption
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

# The header of the export and the import template in words (issue 20.9: the export
# had snake_case headers). The importer reads these and the column keys alike, so an
# export edited in a spreadsheet imports again.
COLUMN_WORDS = {
    "ref": "Reference",
    "title": "Title",
    "description": "Description",
    "assets": "Assets",
    "threat": "Threat",
    "vulnerability": "Vulnerability",
    "owner": "Owner",
    "status": "Status",
    "inherent_likelihood": "Likelihood",
    "inherent_impact": "Impact",
    "inherent_level": "Level",
    "value_at_stake_usd": "Value at stake ($)",
    "exposure_factor": "Exposure factor",
    "sle_usd": "Single loss expectancy ($)",
    "aro": "Annual rate of occurrence",
    "ale_usd": "Annual loss expectancy ($)",
    "treatment": "Treatment",
    "treatment_justification": "Treatment justification",
    "residual_likelihood": "Residual likelihood",
    "residual_impact": "Residual impact",
    "residual_level": "Residual level",
    "residual_ale_usd": "Residual annual loss expectancy ($)",
    "review_date": "Review date",
    "accepted_until": "Accepted until",
    "version": "Version",
}
KEY_OF_WORDS = {words.lower(): key for key, words in COLUMN_WORDS.items()}
# Status and treatment are exported by name; the importer takes names or values.
CHOICE_WORDS = {
    "status": {str(label).lower(): value for value, label in RiskStatus.choices},
    "treatment": {str(label).lower(): value for value, label in TreatmentOption.choices},
}


class ImportFailed(Exception):
    """The file was refused; `errors` lists "Row n: field: reason" lines."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")


def read_rows(upload) -> list[dict | None]:
    """The rows of an uploaded CSV or XLSX file as {column: text} (None for a blank
    line, so row numbers stay right), header normalised; the file is read by
    isms.importing (bounds, formula guard undone)."""
    try:
        table = reader.read_table(upload.read(), upload.name)
    except reader.UnreadableFile as exc:
        raise ImportFailed([str(exc)]) from None
    header = [
        KEY_OF_WORDS.get(h.strip().lower(), h.strip().lower().replace(" ", "_")) for h in table[0]
    ]
    if "title" not in header or "assets" not in header:
        raise ImportFailed(["Row 1: the header must name at least the columns title and assets."])
    rows: list[dict | None] = []
    for values in table[1:]:
        if not any(values):
            rows.append(None)  # blank line: keeps row numbers right, skipped
            continue
        rows.append(dict(zip(header, values, strict=False)))
    if len(rows) > MAX_ROWS:
        raise ImportFailed([f"At most {MAX_ROWS} rows per file."])
    return rows


def _form_data(row: dict, lookups: dict) -> tuple[dict, list[str]]:
    data, problems = {}, []
    for column in IMPORT_COLUMNS:
        value = row.get(column, "")
        if column in ("threat", "vulnerability") and value:
            found = lookups[column].get(value.lower())
            if found is None:
                problems.append(f"{column}: unknown {column} {value!r}")
            value = found or ""
        elif column in CHOICE_WORDS and value:
            value = CHOICE_WORDS[column].get(value.strip().lower(), value)
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
            risk.get_status_display(),
            risk.inherent_likelihood,
            risk.inherent_impact,
            level(risk.inherent_level),
            risk.value_at_stake_usd,
            plain_number(risk.exposure_factor) if risk.exposure_factor is not None else "",
            risk.sle_usd,
            plain_number(risk.aro) if risk.aro is not None else "",
            risk.ale_usd,
            risk.get_treatment_display(),
            risk.treatment_justification,
            risk.residual_likelihood,
            risk.residual_impact,
            level(risk.residual_level),
            risk.residual_ale_usd,
            risk.review_date,
            risk.accepted_until,
            risk.version,
        ]
