"""Helpers shared by the services of the risks app."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from isms import audit
from risks import exposure


def _acting(func):
    """Attribute the audit records of a service to its `user` (requests already do; this
    covers commands, tasks and direct calls)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        user = kwargs.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            return func(*args, **kwargs)
        with audit.acting_as(user):
            return func(*args, **kwargs)

    return wrapper


def _json(value):
    """A JSON-safe form of a field value, for audit changes written in bulk."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value


def _plain(value):
    if isinstance(value, Decimal):
        return str(value.quantize(exposure.CENT))
    if isinstance(value, float):
        return str(Decimal(str(value)).quantize(exposure.CENT))
    return value
