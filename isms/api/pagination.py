"""List pagination: ?limit=&offset=, 50 by default, 1000 at most."""

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000
