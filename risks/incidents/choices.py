"""Choices of the incident register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentKind(models.TextChoices):
    EVENT = "event", _("Security event")
    INCIDENT = "incident", _("Security incident")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    TRIAGED = "triaged", _("Triaged")
    CONTAINED = "contained", _("Contained")
    ERADICATED = "eradicated", _("Eradicated")
    RECOVERED = "recovered", _("Recovered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in IncidentStatus.values if s != IncidentStatus.CLOSED]


class IncidentCategory(models.TextChoices):
    MALWARE = "malware", _("Malware")
    PHISHING = "phishing", _("Phishing / social engineering")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Unauthorised access")
    DATA_BREACH = "data_breach", _("Data breach / leak")
    DENIAL_OF_SERVICE = "denial_of_service", _("Denial of service / outage")
    LOSS_THEFT = "loss_theft", _("Loss or theft of equipment")
    MISCONFIGURATION = "misconfiguration", _("Misconfiguration")
    SUPPLIER = "supplier", _("Supplier incident")
    OTHER = "other", _("Other")


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


# A severe incident cannot be closed without a post-incident review (Annex A 5.27).
REVIEW_REQUIRED_FROM = Severity.HIGH


class EntryKind(models.TextChoices):
    NOTE = "note", _("Note")
    ACTION = "action", _("Action taken")
    STATUS = "status", _("Status change")
    EVIDENCE = "evidence", _("Evidence")
    NOTIFICATION = "notification", _("Notification")
    FOLLOW_UP = "follow_up", _("Follow-up")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    NOT_REQUIRED = "not_required", _("Not required")


# Personal-data breach: the supervisory authority within 72 hours of awareness (GDPR art. 33).
PERSONAL_DATA_BREACH_HOURS = 72
