"""API errors shared by the apps' endpoints."""

from rest_framework import exceptions, status


class Conflict(exceptions.APIException):
    """409: the record is not in a state that allows the change (an approved or
    in-review version, a decision already taken). Documented by `schema.CONFLICT`."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record is not in a state that allows this."
    default_code = "conflict"
