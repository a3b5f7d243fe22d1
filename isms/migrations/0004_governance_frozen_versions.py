"""On PostgreSQL, refuse UPDATE/DELETE of approved scope and policy versions."""

from django.db import migrations

from isms.approvals import freeze_approved_rows


class Migration(migrations.Migration):
    dependencies = [
        ("isms", "0003_frameworks_soa"),
    ]

    operations = [
        freeze_approved_rows("isms_scopeversion"),
        freeze_approved_rows("isms_policyversion"),
    ]
