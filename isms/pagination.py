"""Keyset ("cursor") pagination of the asset inventory, for the list page and the API.

Why not page numbers: `OFFSET n` makes the database read and throw away n rows before
the page, and a page number needs a `COUNT(*)` of the whole filtered list, so deep
pages of a 100,000-asset inventory cost more the deeper they are. A keyset page
instead asks for the rows *after the last one shown* in a stable order, `(sort column,
id)` with both in the same direction, which an index on `(column, id)` answers by
reading only the page (see the indexes on `Asset`). The price: no "page 17 of 2,000",
only first / previous / next, and the count shown is capped (`count_capped`).

The cursor is opaque to clients (URL-safe base64 of JSON): the sort it belongs to, the
sort value and id of the row it starts after (or before, going back). Nothing in it is
trusted: the sort column comes from the server's ordering, values are converted by the
model field and bound as parameters; a cursor of another sort or a broken one is
`InvalidCursor`.

NULLs (owner, next review date) sort last ascending and first descending, on SQLite and
PostgreSQL alike, so that reversing the direction reverses the whole order.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

DEFAULT_SIZE = 50
MAX_SIZE = 1000
COUNT_CAP = 1_000


class InvalidCursor(ValueError):
    """The cursor cannot be read, or belongs to another sort order."""


@dataclass(frozen=True)
class SortKey:
    """The column a list is sorted by (an ORM path such as `owner__username`), its
    direction, and whether it may be NULL; ties are broken by `id` in the same direction."""

    path: str
    descending: bool = False
    nullable: bool = False

    @property
    def token(self) -> str:
        return ("-" if self.descending else "") + self.path

    def reversed(self) -> SortKey:
        return SortKey(self.path, not self.descending, self.nullable)

    def order_by(self) -> list:
        """The ORDER BY of this key: the column, then `id` the same way."""
        if self.nullable:
            column = (
                F(self.path).desc(nulls_first=True)
                if self.descending
                else F(self.path).asc(nulls_last=True)
            )
        else:
            column = F(self.path).desc() if self.descending else F(self.path).asc()
        return [column, F("id").desc() if self.descending else F("id").asc()]

    def after(self, value, pk: int) -> Q:
        """The rows that come after (value, pk) in this order.

        Written as `col >= v AND (col > v OR id > pk)` rather than the plain OR, so the
        database can start the index range at v instead of filtering from the top."""
        col, gt, gte = (
            self.path,
            ("lt" if self.descending else "gt"),
            ("lte" if self.descending else "gte"),
        )
        id_after = Q(**{f"id__{gt}": pk})
        if value is None:
            # Among the NULLs by id; descending, every non-NULL value is still to come.
            nulls = Q(**{f"{col}__isnull": True}) & id_after
            return nulls | Q(**{f"{col}__isnull": False}) if self.descending else nulls
        condition = Q(**{f"{col}__{gte}": value}) & (Q(**{f"{col}__{gt}": value}) | id_after)
        if self.nullable and not self.descending:
            condition |= Q(**{f"{col}__isnull": True})
        return condition


def _field_of(model, path: str):
    field_ = None
    for part in path.split("__"):
        field_ = model._meta.get_field(part)
        model = field_.related_model or model
    return field_


def encode_cursor(key: SortKey, value, pk: int, *, backwards: bool = False) -> str:
    payload = {"o": key.token, "v": None if value is None else str(value), "id": pk}
    if backwards:
        payload["b"] = 1
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, key: SortKey, model) -> tuple[object, int, bool]:
    """(value, id, backwards) of a cursor made for `key`; InvalidCursor otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        if payload["o"] != key.token:
            raise InvalidCursor("This cursor belongs to another sort order.")
        pk = int(payload["id"])
        value = payload["v"]
        if value is not None:
            value = _field_of(model, key.path).to_python(value)
        return value, pk, bool(payload.get("b"))
    except InvalidCursor:
        raise
    except (ValueError, TypeError, KeyError, binascii.Error, ValidationError):
        raise InvalidCursor("Invalid cursor.") from None


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list: its rows, and the cursors of its
    neighbours (None at either end). `is_keyset` tells the shared pagination include
    to draw first / previous / next instead of page numbers."""

    object_list: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    count: int | None = None
    count_capped: bool = False
    is_first: bool = True
    is_keyset: bool = field(default=True, init=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def paginate(queryset: QuerySet, key: SortKey, cursor: str | None, size: int) -> KeysetPage:
    """The page of `queryset` (sorted by `key` then id) that `cursor` points at, the
    first page without a cursor. One query for the rows (size + 1, to know whether
    there is more); InvalidCursor for a bad cursor."""
    backwards = False
    if cursor:
        value, pk, backwards = decode_cursor(cursor, key, queryset.model)
        walk = key.reversed() if backwards else key
        queryset = queryset.filter(walk.after(value, pk))
    else:
        walk = key
    # The sort value rides along with each row, so building the cursors needs no query
    # even when the column is on a related table (owner__username).
    queryset = queryset.annotate(keyset_value=F(key.path))
    rows = list(queryset.order_by(*walk.order_by())[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = KeysetPage(rows, is_first=not cursor)
    if not rows:
        return page
    first, last = rows[0], rows[-1]
    # Going forwards there is a page before whenever we came from a cursor; going
    # backwards there is one after (the page we came from).
    if (more and not backwards) or (cursor and backwards):
        page.next_cursor = encode_cursor(key, last.keyset_value, last.pk)
    if (more and backwards) or (cursor and not backwards):
        page.previous_cursor = encode_cursor(key, first.keyset_value, first.pk, backwards=True)
    if backwards and not more:
        page.is_first = True
    return page


def count_capped(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): the number of rows, counting no further than `cap` — exact
    below it, and cheap above it however large the list (a LIMIT inside the COUNT)."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap
