"""Move the scope's free-text "interested parties" into the register: each line
"Party: requirement" (or just "Party") of every scope version becomes an interested
party (one per name) with that requirement, linked to the version. Approved versions
keep their text (their approval hash covers it); drafts lose it, since the scope form no
longer edits it."""

from django.db import migrations

MIGRATED = "Migrated from the scope's free text; link it to a control, policy or objective."
OPEN_STATES = ("draft", "changes_requested")


def forwards(apps, schema_editor):
    ScopeVersion = apps.get_model("isms", "ScopeVersion")
    InterestedParty = apps.get_model("context", "InterestedParty")
    Requirement = apps.get_model("context", "Requirement")
    for version in ScopeVersion.objects.exclude(interested_parties="").order_by("number"):
        for line in version.interested_parties.splitlines():
            line = line.strip().lstrip("-*").strip()
            if not line:
                continue
            name, _sep, requirement = line.partition(":")
            name, requirement = name.strip()[:200], requirement.strip()[:300]
            party, _created = InterestedParty.objects.get_or_create(
                name=name, defaults={"kind": "other"}
            )
            party.scope_versions.add(version)
            if requirement:
                Requirement.objects.get_or_create(
                    party=party,
                    title=requirement,
                    defaults={"kind": "other", "addressed": False, "how_addressed": MIGRATED},
                )
        if version.approval_state in OPEN_STATES:
            version.interested_parties = ""
            version.save(update_fields=["interested_parties"])


class Migration(migrations.Migration):
    dependencies = [
        ("context", "0001_initial"),
        ("isms", "0003_frameworks_soa"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
