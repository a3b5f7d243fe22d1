"""A finding on a resource linked to no asset has an unknown value at stake (empty),
not $0: existing ones are cleared."""

from django.db import migrations, models


def unowned_to_unknown(apps, schema_editor):
    Finding = apps.get_model("assets", "Finding")
    AwsResourceLink = apps.get_model("assets", "AwsResourceLink")
    linked = AwsResourceLink.objects.values("resource_id")
    Finding.objects.exclude(resource_id__in=linked).update(value_at_stake_usd=None)


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0005_single_line_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="finding",
            name="value_at_stake_usd",
            field=models.DecimalField(
                blank=True,
                db_index=True,
                decimal_places=2,
                help_text="Of the assets linked to the resource; empty when it is linked to "
                "none (unowned: value unknown, not $0).",
                max_digits=16,
                null=True,
                verbose_name="value at stake ($)",
            ),
        ),
        migrations.RunPython(unowned_to_unknown, migrations.RunPython.noop),
        # Unknown values sort last on every database.
        migrations.AlterModelOptions(
            name="finding",
            options={
                "ordering": [
                    models.OrderBy(
                        models.F("value_at_stake_usd"), descending=True, nulls_last=True
                    ),
                    "id",
                ],
                "permissions": [("export_finding", "Can export findings")],
            },
        ),
    ]
