"""The PostgreSQL freeze of approved management reviews (a migration operation).

The review row itself is frozen like every approved document
(`isms.approvals.freeze_approved_rows`). Its attendees (a many-to-many table) and its
decisions are rows of their own, so a second trigger refuses, once the review is
approved, any insert, delete or change of them, except the follow-up columns of a
decision (`DECISION_TRACKING_FIELDS`: the action it became moves on), and inserts made
while restoring an export into an empty database (`isms.backup` sets `isms.restoring`
for its own transaction only).
"""

from django.db import migrations

from isms.audits.models.reviews import DECISION_TRACKING_FIELDS

_FUNCTION = """
CREATE OR REPLACE FUNCTION audits_refuse_frozen_review_child() RETURNS trigger AS $$
DECLARE
    review_id bigint;
    review_state text;
    allowed text[] := TG_ARGV[1:TG_NARGS - 1];
BEGIN
    -- Restoring an export (isms.backup) inserts an approved review's rows as they were.
    IF TG_OP = 'INSERT' AND current_setting('isms.restoring', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        review_id := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    ELSE
        review_id := (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    END IF;
    SELECT approval_state INTO review_state FROM audits_managementreview WHERE id = review_id;
    IF review_state IN ('approved', 'superseded') THEN
        IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - allowed) = (to_jsonb(OLD) - allowed) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'management review % is approved: % is frozen', review_id, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

# (table, column naming the review, columns that may still change once approved)
CHILD_TABLES = (
    ("audits_managementreview_attendees", "managementreview_id", ()),
    ("audits_reviewdecision", "review_id", DECISION_TRACKING_FIELDS),
)


def freeze_review_children() -> migrations.RunPython:
    """On PostgreSQL, refuse changes to the attendees and decisions of an approved
    review (the follow-up of a decision excepted). No-op elsewhere."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_FUNCTION, params=None)
        for table, column, allowed in CHILD_TABLES:
            trigger = f"{table}_frozen_with_review"
            arguments = ", ".join(f"'{name}'" for name in (column, *allowed))
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"')
            schema_editor.execute(
                f'CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION audits_refuse_frozen_review_child({arguments})"
            )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, _column, _allowed in CHILD_TABLES:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {table}_frozen_with_review ON "{table}"')

    return migrations.RunPython(forward, backward, elidable=False)
