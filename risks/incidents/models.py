"""The incident register (Annex A 5.24-5.28, 6.8).

An `Incident` starts as a reported event (any signed-in user may report one), is
triaged (event or incident, category, severity), handled (containment, eradication,
recovery) and closed, after a post-incident review when it was severe. Its timeline
(`IncidentEntry`) is append-only; its evidence (`IncidentEvidence`) keeps the file's
SHA-256 and who added it when, and every later access is a custody entry of the
timeline. `IncidentNotification` is an obligation to tell someone by a deadline.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risks.incidents.choices import (
    EntryKind,
    IncidentCategory,
    IncidentKind,
    IncidentStatus,
    NotificationStatus,
    Severity,
)

USER = settings.AUTH_USER_MODEL


class Incident(models.Model):
    """A reported information security event and, once triaged, its handling."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    ref = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"), blank=True)
    kind = models.CharField(max_length=20, choices=IncidentKind.choices, default=IncidentKind.EVENT)
    status = models.CharField(
        max_length=20,
        choices=IncidentStatus.choices,
        default=IncidentStatus.REPORTED,
        db_index=True,
    )
    category = models.CharField(
        max_length=30, choices=IncidentCategory.choices, default=IncidentCategory.OTHER
    )
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, default=Severity.LOW, db_index=True
    )
    reported_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="reported_incidents"
    )
    handler = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_incidents",
    )
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)
    reported_at = models.DateTimeField(auto_now_add=True)
    assets = models.ManyToManyField("assets.Asset", related_name="incidents", blank=True)
    findings = models.ManyToManyField("assets.Finding", related_name="incidents", blank=True)
    aws_resources = models.ManyToManyField(
        "assets.AwsResource", related_name="incidents", blank=True
    )
    risks = models.ManyToManyField("risks.Risk", related_name="incidents", blank=True)
    personal_data_breach = models.BooleanField(_("personal data breach"), default=False)
    containment = models.TextField(_("containment"), blank=True)
    eradication = models.TextField(_("eradication"), blank=True)
    recovery = models.TextField(_("recovery"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    reviewed_at = models.DateTimeField(_("post-incident review held"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.CLOSED


class IncidentEntry(models.Model):
    """One line of an incident's timeline (append-only)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="entries")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=EntryKind.choices, default=EntryKind.NOTE)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = _("incident entries")

    def __str__(self):
        return f"{self.incident.ref} {self.at:%Y-%m-%d %H:%M} {self.text[:40]}"


class IncidentEvidence(models.Model):
    """A file collected for an incident, with its hash and who added it when."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="incidents/%Y/")
    filename = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    description = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = _("incident evidence")

    def __str__(self):
        return f"{self.incident.ref} {self.filename} ({self.sha256[:12]})"


class IncidentNotification(models.Model):
    """An obligation to notify someone (authority, customers, insurer) by a deadline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.CharField(_("recipient"), max_length=200)
    obligation = models.CharField(_("why"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("deadline"))
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self):
        return f"{self.incident.ref} → {self.recipient} by {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def overdue(self) -> bool:
        return self.status == NotificationStatus.PENDING and self.due_at < timezone.now()
