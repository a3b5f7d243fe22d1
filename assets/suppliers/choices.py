"""Choices of the supplier register and supplier assessments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Criticality(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class DataClassification(models.TextChoices):
    NONE = "none", _("No data shared")
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    PERSONAL = "personal", _("Personal data")
    SECRET = "secret", _("Restricted")


class CertificationKind(models.TextChoices):
    ISO27001 = "iso27001", _("ISO/IEC 27001 certificate")
    ISO27017 = "iso27017", _("ISO/IEC 27017 attestation")
    ISO27018 = "iso27018", _("ISO/IEC 27018 attestation")
    SOC2 = "soc2", _("SOC 2 Type II report")
    PCI = "pci_dss", _("PCI DSS attestation")
    OTHER = "other", _("Other")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    SCALE = "scale", _("Scale 0-5")
    TEXT = "text", _("Free text (not scored)")


class AssessmentStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    CONCLUDED = "concluded", _("Concluded")
    EXPIRED = "expired", _("Expired")


class Conclusion(models.TextChoices):
    ACCEPTABLE = "acceptable", _("Acceptable")
    CONDITIONS = "conditions", _("Acceptable with conditions")
    UNACCEPTABLE = "unacceptable", _("Not acceptable")


class FollowUpKind(models.TextChoices):
    RISK = "risk", _("Risk")
    NONCONFORMITY = "nonconformity", _("Nonconformity")
