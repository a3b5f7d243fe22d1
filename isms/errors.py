"""Domain errors shared by the apps that are not Django's own.

Services raise Django's `ValidationError` (invalid input or a business rule refusing the
change) and `PermissionDenied`, the approval workflow its `isms.approvals` errors and
`ApprovedVersionFrozen`; the API maps them all to HTTP in one place
(`isms.api.exceptions.exception_handler`). This module holds the few that belong to no
single app.
"""


class StaleVersion(Exception):
    """A save based on an older version of a record: refused, nothing changed.

    `current_version` is the record's version now; `changes` lists what others changed
    since the version the caller had (dicts of actor, ISO time and {field: [old, new]},
    newest first). The API answers 409 with both.
    """

    def __init__(self, message: str, *, current_version: int, changes: list[dict]):
        super().__init__(message)
        self.current_version = current_version
        self.changes = changes
