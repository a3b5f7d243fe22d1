"""Trigram indexes for the register's free-text search (PostgreSQL only).

`?q=` matches titles and descriptions with ILIKE '%...%' (Django's icontains, which
compares UPPER(column)); at 100,000 risks a scan takes ~250 ms, these GIN indexes make it
a few ms (docs/benchmarks.md). pg_trgm is a trusted extension (PostgreSQL 13+): the
database owner may create it. Where it cannot be created, search still works, unindexed.
Nothing happens on SQLite.
"""

from django.db import migrations, transaction

INDEXES = {
    "risks_risk_title_trgm": "UPPER(title)",
    "risks_risk_description_trgm": "UPPER(description)",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    except Exception:  # noqa: BLE001 - no privilege: search stays unindexed
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON risks_risk "
            f"USING gin ({expression} gin_trgm_ops)",
            params=None,
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("risks", "0002_catalogues")]

    operations = [migrations.RunPython(forward, backward)]
