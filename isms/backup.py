"""Full export of the ISMS to one JSON file, and its import into an empty instance.

What this is for: moving an ISMS between instances (the SQLite demo to a PostgreSQL
production, one host to another) and keeping a readable, database-independent archive.
The database backup proper is `pg_dump` (docs/operations.md); this file is its portable
complement, not its replacement: it carries the ISMS's content, not its credentials.

What is exported, generically (no model is named here, so models added later are
covered): every model of the project's own apps (the apps whose code lives in this
repository: isms, assets, risks), plus the user groups. Left out:

- credentials: password hashes are written as "!" (an unusable password), API tokens
  (`isms.ApiToken`) and two-factor devices (django-otp) are not exported; after an
  import, users set a new password, enrol their second factor and create new tokens;
- what migrations rebuild (content types, permissions), referenced by natural key;
- transient state: sessions, lockout records (django-axes), worker heartbeats
  (`isms.Heartbeat`), single sign-on confirmation codes and SAML session records
  (`sso.ConfirmationCode`, `sso.SAMLSession`), the Django admin's own log;
- uploaded files: FileFields carry the file's name, the file stays in MEDIA_ROOT and is
  copied separately; the import reports referenced files that are missing.

The file is deterministic (rows by primary key, many-to-many values and JSON keys sorted,
no timestamp), so exporting an imported instance gives the same bytes. Primary keys are
kept, so the audit trail's references (`object_id`, `changes`) stay true. The header
carries a format version, the schema version (the last applied migration of each
exported app) and a SHA-256 of the objects, so a file from another version or a damaged
file is refused before anything is written.

The import is all-or-nothing (one transaction) into a freshly migrated database: no
user account and no audit event (every change made through the product writes one).
The rows such a database holds were seeded by migrations (threat and vulnerability
catalogues, the AWS service catalogue); the import replaces them with the file's. Role
groups are matched by name. The import writes no audit event of its own, so the trail
is exactly the source's; it is logged as the security event `isms_import`.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connections,
    models,
    transaction,
)
from django.db.migrations.loader import MigrationLoader

from isms import audit, security_log
from isms.models.audit import AuditAction, AuditEvent

FORMAT = "isms-export"
FORMAT_VERSION = 1
UNUSABLE_PASSWORD = "!"  # noqa: S105 - Django's marker of "no usable password"

# Project models that are not ISMS content (see the module docstring).
EXCLUDED_MODELS = {
    "isms.apitoken",
    "isms.heartbeat",
    # single sign-on: one-time confirmation codes (credentials), SAML session records
    "sso.confirmationcode",
    "sso.samlsession",
}
# Models of other apps that are: groups carry the roles and any group an admin added.
EXTRA_MODELS = ("auth.group",)
# Matched by name in the target (migrations create the role groups), not by id.
NATURAL_PK_MODELS = {"auth.group"}


class BackupError(Exception):
    """An export or import was refused; the message says why and is safe to show."""


@dataclass
class ImportResult:
    """What an import loaded: rows per model, and referenced files not in MEDIA_ROOT."""

    counts: dict[str, int]
    missing_files: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- What is exported -----------------------------------------------------------------


def _project_app_configs():
    base = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            yield app_config


def exported_models() -> list[type[models.Model]]:
    """The exported models, in an order where models with natural keys come after the
    models they refer to (django's `sort_dependencies`, as dumpdata uses)."""
    app_list = []
    for app_config in _project_app_configs():
        chosen = [
            model
            for model in app_config.get_models()
            if model._meta.label_lower not in EXCLUDED_MODELS
        ]
        app_list.append((app_config, chosen))
    for label in EXTRA_MODELS:
        model = apps.get_model(label)
        app_list.append((model._meta.app_config, [model]))
    return serializers.sort_dependencies(app_list, allow_cycles=True)


def _schema_apps(model_list) -> list[str]:
    # contenttypes and auth: content types and permissions are referenced by natural key.
    labels = {m._meta.app_label for m in model_list} | {"contenttypes", "auth"}
    return sorted(labels)


def schema_version(using: str = DEFAULT_DB_ALIAS, app_labels=None) -> dict[str, str]:
    """The last applied migration of each app (of `app_labels`, by default the exported
    apps), as recorded in the database `using`."""
    loader = MigrationLoader(connections[using])
    if app_labels is None:
        app_labels = _schema_apps(exported_models())
    version = {}
    for label in app_labels:
        applied = {key for key in loader.applied_migrations if key[0] == label}
        leaves = sorted(
            name
            for app, name in applied
            if not any(child in applied for child in loader.graph.node_map[(app, name)].children)
        )
        version[label] = "+".join(leaves) if leaves else "(none)"
    return version


def _unapplied_migrations(using: str) -> list[str]:
    loader = MigrationLoader(connections[using])
    plan = set()
    for leaf in loader.graph.leaf_nodes():
        plan.update(loader.graph.forwards_plan(leaf))
    return sorted(f"{app}.{name}" for app, name in plan - set(loader.applied_migrations))


# --- Encoding -------------------------------------------------------------------------


def _encode(value):
    # Full precision (DjangoJSONEncoder cuts datetimes to milliseconds).
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"Cannot export a value of type {type(value).__name__}")


def _dump(obj) -> str:
    return json.dumps(obj, default=_encode, sort_keys=True, ensure_ascii=False)


def _checksum(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def objects_sha256(objects: list[dict]) -> str:
    """The SHA-256 that an export's header carries for these objects."""
    return _checksum([_dump(obj) for obj in objects])


def _m2m_names(model) -> list[str]:
    return [
        f.name
        for f in model._meta.many_to_many
        if f.serialize and f.remote_field.through._meta.auto_created
    ]


def _serialize_model(model, using: str) -> list[dict]:
    label = model._meta.label_lower
    rows = list(model._base_manager.using(using).order_by("pk"))
    natural_pk = label in NATURAL_PK_MODELS
    if natural_pk:
        rows.sort(key=lambda obj: obj.natural_key())
    objects = serializers.serialize(
        "python",
        rows,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=natural_pk,
    )
    m2m = _m2m_names(model)
    is_user_model = model is get_user_model()
    # Secrets a model declares (e.g. a link token's hash): exported cleared, like passwords.
    cleared = getattr(model, "backup_cleared_fields", {})
    for obj in objects:
        fields = obj["fields"]
        fields.update(cleared)
        for name in m2m:
            # A set: the database returns it in no particular order.
            fields[name] = sorted(fields[name])
        if is_user_model:
            fields["password"] = UNUSABLE_PASSWORD
    return objects


# --- Export ---------------------------------------------------------------------------


def _collect(using: str) -> tuple[dict, list[str]]:
    model_list = exported_models()
    lines: list[str] = []
    counts: dict[str, int] = {}
    for model in model_list:
        objects = _serialize_model(model, using)
        counts[model._meta.label_lower] = len(objects)
        lines.extend(_dump(obj) for obj in objects)
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": schema_version(using, _schema_apps(model_list)),
        "counts": counts,
        "sha256": _checksum(lines),
    }
    return header, lines


def isms_export(*, path: str | os.PathLike, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Write the whole ISMS to `path` (JSON, see the module docstring); returns the rows
    exported per model. Records the export in the audit trail."""
    connection = connections[using]
    unapplied = _unapplied_migrations(using)
    if unapplied:
        raise BackupError(
            f"This database has unapplied migrations ({', '.join(unapplied)}): "
            "run `manage.py migrate` before exporting."
        )
    if connection.in_atomic_block:
        header, lines = _collect(using)
    else:
        # One consistent snapshot of a running instance: every table read as of one moment.
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            header, lines = _collect(using)
    text = json.dumps(header, ensure_ascii=False)[:-1] + ', "objects": [\n'
    text += ",\n".join(lines) + "\n]}\n"
    _write_atomically(Path(path), text)
    total = sum(header["counts"].values())
    with transaction.atomic(using=using):
        audit.record(None, AuditAction.EXPORT, message=f"Full ISMS export: {total} records")
    security_log.event("isms_export", objects=total)
    return header["counts"]


def _write_atomically(path: Path, text: str) -> None:
    # Never leave a half-written file under the final name; readable by the owner only
    # (the file holds personal data and the whole risk picture).
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- Import ---------------------------------------------------------------------------


def read_export(path: str | os.PathLike) -> tuple[dict, list[dict]]:
    """Parse and verify an export file: (header, objects). Raises BackupError saying what
    is wrong (not JSON, not an export, another format version, damaged)."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise BackupError(f"No such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise BackupError(f"{path} is not a UTF-8 text file ({exc.reason}).") from None
    except json.JSONDecodeError as exc:
        raise BackupError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file is damaged or truncated."
        ) from None
    except RecursionError:
        raise BackupError(f"{path} is not an ISMS export: it is nested far too deeply.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} is not an ISMS export (no '{FORMAT}' header).")
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has export format version {document.get('format_version')!r}; "
            f"this version of the ISMS manager reads version {FORMAT_VERSION}."
        )
    objects = document.get("objects")
    schema, counts = document.get("schema"), document.get("counts")
    if not (
        isinstance(objects, list)
        and isinstance(schema, dict)
        and isinstance(counts, dict)
        and all(isinstance(obj, dict) for obj in objects)
    ):
        raise BackupError(f"{path} is damaged: its header or object list is malformed.")
    if objects_sha256(objects) != document.get("sha256"):
        raise BackupError(
            f"{path} is damaged or was edited: the SHA-256 of its objects does not match "
            "its header. Nothing was imported."
        )
    found: dict[str, int] = {}
    for obj in objects:
        found[str(obj.get("model"))] = found.get(str(obj.get("model")), 0) + 1
    if found != {label: n for label, n in counts.items() if n}:
        raise BackupError(f"{path} is damaged: its objects do not match the counts in its header.")
    return document, objects


def _check_schema(file_schema: dict, using: str) -> None:
    unapplied = _unapplied_migrations(using)
    if unapplied:
        raise BackupError(
            f"This database has unapplied migrations ({', '.join(unapplied)}): "
            "run `manage.py migrate` first."
        )
    ours = schema_version(using, sorted(set(file_schema) | set(_schema_apps(exported_models()))))
    differences = [
        f"{app}: file {file_schema.get(app, '(absent)')}, this database {ours[app]}"
        for app in sorted(ours)
        if file_schema.get(app, "(absent)") != ours[app]
    ]
    if differences:
        raise BackupError(
            "The file was exported from another schema version; "
            + "; ".join(differences)
            + ". Import it with the version of the ISMS manager that wrote it, then upgrade."
        )


def _check_empty(using: str) -> None:
    users = get_user_model()._base_manager.using(using).count()
    events = AuditEvent._base_manager.using(using).count()
    if users or events:
        raise BackupError(
            f"The target database is not empty: it has {users} user account(s) and {events} "
            "audit event(s). Import only into a freshly migrated database "
            "(`manage.py migrate`, and no other command before the import)."
        )


def _clear_seeded_rows(model_list, using: str) -> None:
    """Delete what migrations seeded in the (checked empty) target: the file replaces it.
    Raw SQL: no signals, and nothing there is approved, so no freeze trigger objects."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in reversed(model_list):
            if model._meta.label_lower in NATURAL_PK_MODELS:
                continue
            for m2m in model._meta.many_to_many:
                through = m2m.remote_field.through
                if through._meta.auto_created:
                    cursor.execute(f"DELETE FROM {quote(through._meta.db_table)}")  # noqa: S608
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def _load(objects: list[dict], using: str) -> None:
    deferred = []
    for position, data in enumerate(objects, start=1):
        where = f"object {position} ({data.get('model')} pk={data.get('pk', '-')})"
        try:
            for item in serializers.deserialize(
                "python", [data], using=using, handle_forward_references=True
            ):
                # The target's tables are empty (cleared above): insert, don't try an UPDATE
                # first. Natural-key rows (role groups) already exist and are updated.
                existing = item.object._meta.label_lower in NATURAL_PK_MODELS
                item.save(using=using, force_insert=not existing)
                if item.deferred_fields:
                    deferred.append((where, item))
        except (
            DeserializationError,
            DatabaseError,
            LookupError,
            ValueError,
            TypeError,
            AttributeError,
        ) as exc:
            raise BackupError(f"{where} cannot be imported: {exc}") from None
    for where, item in deferred:
        try:
            item.save_deferred_fields(using=using)
        except DeserializationError as exc:
            raise BackupError(f"{where} cannot be imported: {exc}") from None


def isms_import(*, path: str | os.PathLike, using: str = DEFAULT_DB_ALIAS) -> ImportResult:
    """Load an export file into this freshly migrated database, all or nothing.

    Refuses, before writing anything, a damaged file, another format or schema version,
    and a database that is not empty (see `_check_empty`)."""
    document, objects = read_export(path)
    _check_schema(document["schema"], using)
    connection = connections[using]
    model_list = exported_models()
    with transaction.atomic(using=using):
        _check_empty(using)
        _clear_seeded_rows(model_list, using)
        if connection.vendor == "postgresql":
            # Rows of approved records go back as they were: the freeze triggers that refuse
            # adding to an approved record (isms.audits.db_reviews) let this transaction
            # insert them; updates and deletes stay refused.
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('isms.restoring', 'on', true)")
        _load(objects, using)
        # Rows came with their ids: move the id sequences past them (PostgreSQL).
        statements = connection.ops.sequence_reset_sql(no_style(), model_list)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        tables = [m._meta.db_table for m in model_list]
        tables += [
            f.remote_field.through._meta.db_table
            for m in model_list
            for f in m._meta.many_to_many
            if f.remote_field.through._meta.auto_created
        ]
        try:
            connection.check_constraints(table_names=tables)
        except IntegrityError as exc:
            raise BackupError(f"The file's rows do not hold together: {exc}") from None
    counts = {label: n for label, n in document["counts"].items() if n}
    result = ImportResult(counts=counts, missing_files=_missing_files(model_list, using))
    security_log.event("isms_import", objects=result.total, missing_files=len(result.missing_files))
    return result


def _missing_files(model_list, using: str) -> list[str]:
    missing = []
    for model in model_list:
        for file_field in model._meta.fields:
            if not isinstance(file_field, models.FileField):
                continue
            names = (
                model._base_manager.using(using)
                .exclude(**{file_field.name: ""})
                .values_list(file_field.name, flat=True)
            )
            missing.extend(name for name in names if not default_storage.exists(name))
    return sorted(missing)
