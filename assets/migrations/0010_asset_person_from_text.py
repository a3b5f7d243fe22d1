"""Link each personnel asset to its person, from the text the people register held
(`Person.asset_reference`, an asset's ref such as "A-012"), or else from the asset's
name being a person's name or e-mail. Only unambiguous matches are linked: a text that
fits several people, or several assets, is left for a person to link by hand. Runs
before the people app drops the text field."""

from django.db import migrations


def link(apps, schema_editor):
    Asset = apps.get_model("assets", "Asset")
    Person = apps.get_model("people", "Person")
    people = list(Person.objects.all())
    by_reference, by_name = {}, {}
    for person in people:
        if person.asset_reference.strip():
            by_reference.setdefault(person.asset_reference.strip().lower(), []).append(person)
        for key in {person.name.strip().lower(), person.email.strip().lower()}:
            by_name.setdefault(key, []).append(person)
    assets = list(Asset.objects.filter(category="personnel", person__isnull=True))
    refs_taken = {}
    for asset in assets:
        refs_taken.setdefault(asset.ref.lower(), []).append(asset)
    for asset in assets:
        candidates = by_reference.get(asset.ref.lower(), [])
        if not candidates:
            candidates = by_name.get(asset.name.strip().lower(), [])
        if len(candidates) == 1 and len(refs_taken[asset.ref.lower()]) == 1:
            asset.person = candidates[0]
            asset.save(update_fields=["person"])


def unlink(apps, schema_editor):
    """Back: the person's text reference is the linked asset's ref."""
    Asset = apps.get_model("assets", "Asset")
    Person = apps.get_model("people", "Person")
    for asset in Asset.objects.filter(person__isnull=False).order_by("ref"):
        Person.objects.filter(pk=asset.person_id, asset_reference="").update(
            asset_reference=asset.ref
        )


class Migration(migrations.Migration):
    dependencies = [("assets", "0009_asset_person")]
    run_before = [("people", "0002_remove_person_asset_reference")]

    operations = [migrations.RunPython(link, unlink)]
