"""Helpers shared by the services of the risks app."""

from __future__ import annotations

import datetime
from decimal import Decimal

from risks import exposure


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
