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

So are the rows the data migrations created (the shipped questionnaire, the threat and
vulnerability catalogues, the roles...): `mark_seed_rows()`, run once the test database
is migrated (tests/conftest.py), records each table's highest id in `SEED_MARKS`, and the
flush deletes only the rows above it. Without the marks, a test that ran after a
transactional test would find the database emptier than a fresh install, and pass or
fail with the order the tests ran in. (A transactional test that *changes* a seeded row
leaves the change behind; none does.)

Sequences are left as they are, as Django's test flush leaves them; a test that asks for
`reset_sequences` gets Django's statements.
"""

from django.db.backends.postgresql import base, operations

# Tables whose rows post_migrate derives from the models (kept by the flush).
DERIVED = {"django_content_type", "auth_permission"}
# {table: the highest id the migrations left in it}, in the test database itself.
SEED_MARKS = "isms_test_seed_marks"

MARK_SEED_ROWS = """
CREATE TABLE IF NOT EXISTS isms_test_seed_marks (name text PRIMARY KEY, mark bigint NOT NULL);
DO $$DECLARE r record; m bigint; BEGIN
  FOR r IN SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = current_schema() AND c.column_name = 'id'
        AND c.data_type IN ('integer', 'bigint') AND t.table_type = 'BASE TABLE'
  LOOP
    EXECUTE format('SELECT max(id) FROM %I', r.table_name) INTO m;
    IF m IS NOT NULL THEN
      INSERT INTO isms_test_seed_marks VALUES (r.table_name, m)
      ON CONFLICT (name) DO UPDATE SET mark = EXCLUDED.mark;
    END IF;
  END LOOP;
END$$;
"""


def mark_seed_rows(connection) -> None:
    """Record the rows the migrations created, which the flush then keeps."""
    if isinstance(connection.ops, DatabaseOperations):
        with connection.cursor() as cursor:
            cursor.execute(MARK_SEED_ROWS)


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
            "DO $$DECLARE t text; m bigint; marked boolean; BEGIN "  # noqa: S608 - see below
            "SET LOCAL session_replication_role = replica; "
            f"marked := to_regclass({_literal(SEED_MARKS)}) IS NOT NULL; "
            f"FOREACH t IN ARRAY ARRAY[{names}] LOOP "
            "m := NULL; "
            f"IF marked THEN EXECUTE format('SELECT mark FROM %I WHERE name = %L', "
            f"{_literal(SEED_MARKS)}, t) INTO m; END IF; "
            "IF m IS NULL THEN EXECUTE format('DELETE FROM %I', t); "
            "ELSE EXECUTE format('DELETE FROM %I WHERE id > %s', t, m); END IF; "
            "END LOOP; "
            f"EXCEPTION WHEN insufficient_privilege THEN EXECUTE {fallback}; "
            "END$$;"
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
