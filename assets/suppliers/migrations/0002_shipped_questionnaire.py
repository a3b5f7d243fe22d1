"""Ship one questionnaire template (our own words on the Annex A supplier controls)."""

import json
from pathlib import Path

from django.db import migrations

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "supplier_security.json"


def ship(apps, schema_editor):
    Questionnaire = apps.get_model("suppliers", "Questionnaire")
    document = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    Questionnaire.objects.get_or_create(
        name=document["name"],
        defaults={
            "description": document["description"],
            "content": {"sections": document["sections"]},
        },
    )


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
