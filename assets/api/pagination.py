"""Keyset pagination of /api/assets/: `?limit=` rows per page, `next` / `previous`
links carrying an opaque `cursor`, in the order of `?ordering=` (see
isms/pagination.py for why). Every page costs the same however deep.

`?offset=` (the project's default LimitOffsetPagination) is still answered, with a
`count`, for clients written before cursors; deep offsets are slower, and docs/assets.md
says so.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from isms import pagination as keyset
from isms.api.pagination import LimitOffsetPagination


class AssetCursorPagination(BasePagination):
    """Cursor pagination on the filter set's sort key `(column, id)`; `?offset=`
    falls back to limit/offset."""

    cursor_query_param = "cursor"
    limit_query_param = "limit"
    offset_query_param = "offset"
    default_limit = keyset.DEFAULT_SIZE
    max_limit = keyset.MAX_SIZE

    def __init__(self):
        self.legacy = None
        self.page = None

    def get_limit(self, request) -> int:
        try:
            limit = int(request.query_params[self.limit_query_param])
        except (KeyError, ValueError):
            return self.default_limit
        return min(max(limit, 1), self.max_limit)

    def paginate_queryset(self, queryset, request, view=None):
        if self.offset_query_param in request.query_params:
            self.legacy = LimitOffsetPagination()
            return self.legacy.paginate_queryset(queryset, request, view)
        self.request = request
        key = view.sort_key  # set by AssetFilterBackend from the same filter set
        try:
            self.page = keyset.paginate(
                queryset,
                key,
                request.query_params.get(self.cursor_query_param),
                self.get_limit(request),
            )
        except keyset.InvalidCursor as exc:
            # Bad input, like any other parameter: 400 with the error under `cursor`.
            raise ValidationError({self.cursor_query_param: [str(exc)]}) from None
        return list(self.page)

    def _link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        if self.legacy is not None:
            return self.legacy.get_paginated_response(data)
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {**link, "example": "https://isms.example/api/assets/?cursor=eyJv…"},
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page ({self.default_limit} by default, "
                f"{self.max_limit} at most).",
                "schema": {"type": "integer"},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "Deprecated: limit/offset pages with a `count`, for older "
                "clients. Follow `next` instead.",
                "schema": {"type": "integer"},
                "deprecated": True,
            },
        ]
