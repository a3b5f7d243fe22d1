"""The PostgreSQL backend for the test suite: Django's, with a faster flush.

Every transactional test (browser journeys, worker processes, concurrency tests) ends
with a flush of the whole database. Django flushes PostgreSQL with one TRUNCATE of every
table, which replaces each table's files: about 1 s on a quiet machine for our ~120
tables, and several seconds on a busy one, for tables that hold a handful of rows. A
DELETE of every table takes a few milliseconds instead. Row triggers (the audit trail's
append-only guard, the freeze of approved records) and the deferred foreign-key checks
are switched off for the flush's transaction only (`session_replication_role`), so that
the result is the TRUNCATE's: every table empty. Without the privilege to do so (a
non-superuser role), the flush falls back to Django's TRUNCATE.

Content types and permissions are kept: they are derived from the models, and the
post_migrate that follows a flush would only create them again, one app at a time.

Sequences are left as they are, as Django's test flush leaves them; a test that asks for
`reset_sequences` gets Django's statements.
"""

from django.db.backends.postgresql import base, operations

# Tables whose rows post_migrate derives from the models (kept by the flush).
DERIVED = {"django_content_type", "auth_permission"}


def _literal(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        truncate = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not tables or reset_sequences:
            return truncate
        # Table names come from the models (Django's introspection), not from input.
        names = ", ".join(_literal(name) for name in tables if name not in DERIVED)
        fallback = _literal(" ".join(truncate))
        return [
            "DO $$DECLARE t text; BEGIN "  # noqa: S608 - names from the models, as literals
            "SET LOCAL session_replication_role = replica; "
            f"FOREACH t IN ARRAY ARRAY[{names}] LOOP EXECUTE format('DELETE FROM %I', t); "
            "END LOOP; "
            f"EXCEPTION WHEN insufficient_privilege THEN EXECUTE {fallback}; "
            "END$$;"
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
