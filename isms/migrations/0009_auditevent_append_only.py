"""The audit trail is append-only: on PostgreSQL, a trigger refuses UPDATE and DELETE of
audit events, whatever the path (raw SQL, a shell, another client).

The one change allowed is Django's `on_delete=SET_NULL` when a user account is deleted:
the events keep `actor_repr` and lose only `actor_id`. TRUNCATE fires no row trigger
(the test suite's flush uses it); the backup import's clearing DELETE runs on a table it
has checked empty, so no row is refused there either.
"""

from django.db import migrations

AUDIT_TRIGGER = """
CREATE OR REPLACE FUNCTION isms_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only (isms_auditevent.%)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS isms_auditevent_append_only ON isms_auditevent;
CREATE TRIGGER isms_auditevent_append_only BEFORE UPDATE OR DELETE ON isms_auditevent
    FOR EACH ROW EXECUTE FUNCTION isms_refuse_audit_change();
"""


def audit_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_TRIGGER, params=None)  # the % are PL/pgSQL's


def audit_trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS isms_auditevent_append_only ON isms_auditevent"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("isms", "0008_soa_implemented_rationale"),
    ]

    operations = [
        migrations.RunPython(audit_trigger, audit_trigger_drop, elidable=False),
    ]
