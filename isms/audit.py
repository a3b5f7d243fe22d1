"""The audit trail: the one way every app records who changed what, and when.

Services call `record()` (or `record_change()` with a snapshot taken before the
change) inside their transaction. The actor and the source come from the current
audit context, which is set by:

- `AuditContextMiddleware` for web, API and admin requests (actor = request.user),
- the Celery `task_prerun` signal for tasks (source = "task:<name>"),
- `acting_as()` wherever code acts on someone's behalf (commands, tasks started by a user);

and, when nothing set one, defaults to "command:<name>" under manage.py, else "system".
Nothing depends on a request being present, so background jobs are recorded too.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import functools
import sys
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from isms.models.audit import AuditAction, AuditEvent


@dataclass(frozen=True)
class AuditContext:
    """Who is acting and through what channel."""

    source: str = "system"
    actor: object | None = None  # a User, or None for the system
    request: object | None = None  # when set, the actor is read from request.user lazily
    request_id: str = ""
    ip_address: str | None = None

    def resolve_actor(self):
        if self.actor is not None:
            return self.actor
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def _default_context() -> AuditContext:
    argv = sys.argv
    if len(argv) > 1 and argv[0].endswith("manage.py"):
        return AuditContext(source=f"command:{argv[1]}")
    return AuditContext()


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "isms_audit_context", default=None
)


def current() -> AuditContext:
    return _current.get() or _default_context()


def push_context(**fields) -> contextvars.Token:
    """Enter a context (for signal pairs that cannot use `with`); undo with pop_context."""
    return _current.set(replace(current(), **fields))


def pop_context(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(actor=None, *, source: str | None = None, **fields):
    """Attribute every record made inside the block to `actor` (and `source`)."""
    if source is not None:
        fields["source"] = source
    token = push_context(actor=actor, **fields)
    try:
        yield current()
    finally:
        pop_context(token)


def acts_as_user(service):
    """Decorate a service that takes a keyword `user`: its audit records name that user.

    The one way a service records its actor. A request already sets the actor (the
    middleware); this also covers management commands, Celery tasks and direct calls.
    With `user=None` (a system job) the surrounding context stays: `task:<name>`,
    `command:<name>` or an outer `acting_as()`."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        user = kwargs.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            return service(*args, **kwargs)
        with acting_as(user):
            return service(*args, **kwargs)

    return wrapper


def new_request_id() -> str:
    return uuid.uuid4().hex


# --- Snapshots and differences ----------------------------------------------------------


def _plain(value):
    """A JSON-safe form of a field value."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # not hasattr(value, "url"): it raises when empty
        return value.name or ""
    return value


#: What a secret field's value becomes in the trail. A model names its secret fields in
#: `audit_redacted_fields` (password hashes, token hashes): the trail is exported and
#: read by auditors, and a hash of a credential has no business in either.
REDACTED = "[redacted]"


def snapshot(instance: models.Model, *, exclude: Iterable[str] = (), m2m: bool = True) -> dict:
    """The recordable state of `instance`: concrete fields (FKs as ids) and, when the
    instance is saved, its many-to-many relations as sorted id lists. Fields listed in
    the model's `audit_redacted_fields` are recorded as `REDACTED` (or "" when empty)."""
    exclude = set(exclude)
    redacted = set(getattr(instance, "audit_redacted_fields", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(instance, field.attname)
        if field.name in redacted:
            data[field.name] = REDACTED if value else ""
            continue
        data[field.name] = _plain(value)
    if m2m and instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name in exclude:
                continue
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field whose value differs."""
    keys = before.keys() | after.keys()
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(keys)
        if before.get(key) != after.get(key)
    }


# --- Recording --------------------------------------------------------------------------


def _event(obj, action, *, changes=None, message="", content_type=None) -> AuditEvent:
    ctx = current()
    actor = ctx.resolve_actor()
    if obj is not None and content_type is None:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEvent(
        actor=actor,
        actor_repr=(actor.get_username() if actor is not None else "")[:150],
        source=ctx.source[:100],
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        action=action,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=_plain(changes or {}),
        message=message,
    )


def record(
    obj: models.Model | None,
    action: str = AuditAction.OTHER,
    *,
    changes: dict | None = None,
    message: str = "",
) -> AuditEvent:
    """Write one audit event about `obj` (or about nothing in particular)."""
    event = _event(obj, action, changes=changes, message=message)
    event.save()
    return event


def record_created(obj: models.Model, *, message: str = "") -> AuditEvent:
    return record(obj, AuditAction.CREATE, changes=snapshot(obj), message=message)


def record_change(
    obj: models.Model, before: dict, *, message: str = "", action: str = AuditAction.UPDATE
) -> AuditEvent | None:
    """Record what changed since `before` (a `snapshot()`); nothing when nothing did."""
    changes = diff(before, snapshot(obj))
    if not changes and action == AuditAction.UPDATE:
        return None
    return record(obj, action, changes=changes, message=message)


def record_deleted(obj: models.Model, *, message: str = "") -> AuditEvent:
    """Call before `obj.delete()` so that the event still knows the primary key."""
    return record(obj, AuditAction.DELETE, changes=snapshot(obj), message=message)


def record_many(
    objs: Iterable[models.Model],
    action: str,
    *,
    changes_for=None,
    message: str = "",
) -> list[AuditEvent]:
    """One event per object, written in one bulk insert (for bulk operations and syncs).

    `changes_for(obj)` returns the changes of one object; omitted, the events carry none.
    """
    events = []
    content_types: dict[type, ContentType] = {}
    for obj in objs:
        model = obj._meta.concrete_model
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        events.append(
            _event(
                obj,
                action,
                changes=changes_for(obj) if changes_for else None,
                message=message,
                content_type=content_types[model],
            )
        )
    return AuditEvent.objects.bulk_create(events, batch_size=1000)


def history(obj: models.Model):
    """The audit events about `obj`, newest first."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEvent.objects.filter(content_type=content_type, object_id=str(obj.pk))
