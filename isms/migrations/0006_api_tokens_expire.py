"""Every personal API token expires: tokens created without an expiry get one,
API_TOKEN_DEFAULT_DAYS from now, so their owners have that long to replace them."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("isms", "ApiToken")
    expiry = timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True, revoked_at__isnull=True).update(
        expires_at=expiry
    )


class Migration(migrations.Migration):
    dependencies = [("isms", "0005_soa_approval")]

    operations = [migrations.RunPython(set_expiry, migrations.RunPython.noop)]
