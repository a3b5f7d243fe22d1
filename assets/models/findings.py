"""The results of the security checks (assets/aws/checks/): one `Finding` per (check,
resource), and one `PostureSnapshot` per account per evaluation for the trend.

Findings are written only by assets.findings.services, which keeps their lifecycle
(open -> resolved -> reopened, muted until a date, not evaluated) and the audit trail.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from assets.aws.checks import CATALOGUE, Severity
from assets.choices import FindingStatus
from assets.models.aws import AwsAccount, AwsResource, SyncRun

# Findings that still need someone's attention (muted ones were looked at).
ACTIVE_STATUSES = (FindingStatus.OPEN, FindingStatus.NOT_EVALUATED)


class Finding(models.Model):
    """One check on one resource: whether the misconfiguration is there (open), gone
    (resolved), accepted for a while (muted) or could not be judged (not evaluated),
    why, since when, and the business value it puts at stake (the value at stake of the
    assets linked to the resource)."""

    check_id = models.CharField("check", max_length=80, db_index=True)
    resource = models.ForeignKey(AwsResource, on_delete=models.CASCADE, related_name="findings")
    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="findings")
    region = models.CharField(max_length=30, db_index=True)
    service = models.CharField(max_length=40, db_index=True, help_text="The check's service.")
    severity = models.CharField(max_length=10, choices=Severity.choices, db_index=True)
    status = models.CharField(
        max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    detail = models.TextField(help_text="The exact cause, or why it was not evaluated.")
    value_at_stake_usd = models.DecimalField(
        "value at stake ($)", max_digits=16, decimal_places=2, default=0, db_index=True
    )
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField(help_text="Last evaluation that found it failing.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField()
    times_reopened = models.PositiveIntegerField(default=0)
    last_run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    muted_reason = models.TextField(blank=True)
    muted_until = models.DateField(null=True, blank=True)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    muted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-value_at_stake_usd", "id"]
        permissions = [("export_finding", "Can export findings")]
        constraints = [
            models.UniqueConstraint(
                fields=["check_id", "resource"], name="one_finding_per_check_resource"
            )
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="finding_account_status"),
            models.Index(fields=["resource", "status"], name="finding_resource_status"),
        ]

    def __str__(self):
        return f"{self.check_id} on {self.resource_id}"

    def get_absolute_url(self):
        return reverse("assets:finding_detail", args=[self.pk])

    @property
    def definition(self):
        """The catalogue entry (None if the check was removed from the catalogue)."""
        return CATALOGUE.get(self.check_id)

    @property
    def title(self) -> str:
        return self.definition.title if self.definition else self.check_id


class PostureSnapshot(models.Model):
    """The posture of one account after one evaluation: open findings by severity and
    by service, the value at stake, and each check's pass/fail/not-evaluated counts (the
    SoA's automated evidence). One per evaluation: the posture trend across syncs."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="postures")
    run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="postures"
    )
    taken_at = models.DateTimeField(db_index=True)
    open_findings = models.PositiveIntegerField(default=0)
    by_severity = models.JSONField(default=dict, help_text="{severity: open findings}")
    by_service = models.JSONField(default=dict, help_text="{service: open findings}")
    value_at_stake_usd = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    checks = models.JSONField(default=dict, help_text="{check id: [passed, failed, not evaluated]}")

    class Meta:
        ordering = ["-taken_at", "-id"]
        get_latest_by = "taken_at"
        indexes = [models.Index(fields=["account", "-taken_at"], name="posture_account_recent")]

    def __str__(self):
        return f"Posture of {self.account_id} at {self.taken_at:%Y-%m-%d %H:%M}"
