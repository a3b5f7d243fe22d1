"""Approved audit reports and management reviews are frozen in PostgreSQL: their rows
(like every approved document), and a review's attendees and the content of its
decisions. Keep this migration when the app's migrations are regenerated (it holds no
model state)."""

from django.db import migrations

from isms.approvals import freeze_approved_rows
from isms.audits.db_reviews import freeze_review_children


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [
        freeze_approved_rows("audits_auditreport"),
        freeze_approved_rows("audits_managementreview"),
        freeze_review_children(),
    ]
