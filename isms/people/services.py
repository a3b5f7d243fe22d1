"""Writes of people and competence: reminders of expiring certifications and the
all-or-nothing imports. Plain creates and edits go through the context app's
`record_save` (one validation and audit path for every register)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from isms import audit
from isms.people import selectors


@audit.acts_as_user
@transaction.atomic
def certification_reminders_send(*, user=None, day: datetime.date | None = None) -> int:
    """Notify each person (with an account) whose certification expires within 30 days,
    once per expiry date: a second run sends nothing."""
    from isms.governance.notifications import notify

    count = 0
    for record in selectors.expiring_records(day=day).select_for_update(of=("self",)):
        if record.reminded_for == record.expires_on:
            continue
        if record.person.user_id:
            notify(
                users=[record.person.user],
                subject=_("Your evidence “%(title)s” expires on %(date)s.")
                % {"title": record.title, "date": record.expires_on},
            )
        record.reminded_for = record.expires_on
        record.save(update_fields=["reminded_for"])
        audit.record(record, message="certification expiry reminder")
        count += 1
    return count


# --- Imports (CSV/XLSX, all-or-nothing, errors name the row) --------------------------------

PEOPLE_COLUMNS = ("name", "email", "job_title", "roles")
RECORD_COLUMNS = ("email", "competence", "kind", "title", "obtained_on", "expires_on")


class ImportRejected(ValueError):
    """The file was refused as a whole; `errors` lists "row N: message"."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _rows(content: bytes, filename: str, columns) -> list[tuple[int, dict]]:
    from isms.importing import read_table

    table = read_table(content, filename)
    if not table:
        raise ImportRejected([_("row 1: the file is empty.")])
    header = [cell.strip().lower() for cell in table[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportRejected([_("row 1: missing columns: %s.") % ", ".join(missing)])
    out = []
    for index, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        out.append((index, cells))
    return out


def _check(instance, number: int, errors: list[str]) -> bool:
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(validate_unique=True)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.extend(f"row {number}: {field}: {m}" for m in messages)
        return False
    return True


@audit.acts_as_user
@transaction.atomic
def people_import(*, user, content: bytes, filename: str) -> int:
    """Create or update people from a table (columns: name, email, job_title, roles —
    role names separated by ";"). Nothing is saved if any row is wrong."""
    from isms.people.models import IsmsRole, Person

    roles = {r.name.lower(): r for r in IsmsRole.objects.all()}
    errors, saved = [], []
    for number, cells in _rows(content, filename, PEOPLE_COLUMNS):
        person = Person.objects.filter(email__iexact=cells["email"]).first() or Person()
        person.name, person.email, person.job_title = (
            cells["name"],
            cells["email"],
            cells["job_title"],
        )
        wanted = [n.strip() for n in cells["roles"].split(";") if n.strip()]
        unknown = [n for n in wanted if n.lower() not in roles]
        if unknown:
            errors.append(f"row {number}: roles: " + _("unknown role %s.") % ", ".join(unknown))
        if _check(person, number, errors) and not unknown:
            saved.append((person, [roles[n.lower()] for n in wanted]))
    if errors:
        raise ImportRejected(errors)
    for person, person_roles in saved:
        created = person.pk is None
        person.save()
        person.roles.set(person_roles)
        if created:
            audit.record_created(person)
        else:
            audit.record(person, message="updated by import")
    return len(saved)


@audit.acts_as_user
@transaction.atomic
def competence_records_import(*, user, content: bytes, filename: str) -> int:
    """Add training and certification records from a table (columns: email, competence,
    kind, title, obtained_on, expires_on). Nothing is saved if any row is wrong."""
    from isms.people.models import Competence, CompetenceRecord, Person

    people = {p.email.lower(): p for p in Person.objects.all()}
    competences = {c.name.lower(): c for c in Competence.objects.all()}
    errors, saved = [], []
    for number, cells in _rows(content, filename, RECORD_COLUMNS):
        person = people.get(cells["email"].lower())
        competence = competences.get(cells["competence"].lower())
        if person is None:
            errors.append(f"row {number}: email: " + _("no person with this e-mail."))
        if competence is None:
            errors.append(f"row {number}: competence: " + _("unknown competence."))
        record = CompetenceRecord(
            person=person,
            competence=competence,
            kind=cells["kind"].lower(),
            title=cells["title"],
            obtained_on=cells["obtained_on"] or None,
            expires_on=cells["expires_on"] or None,
        )
        if person is None or competence is None:
            continue
        if _check(record, number, errors):
            saved.append(record)
    if errors:
        raise ImportRejected(errors)
    for record in saved:
        record.save()
        audit.record_created(record)
    return len(saved)
