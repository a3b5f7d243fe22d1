"""Choices of the context, interested parties, objectives and measures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueOrigin(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class IssueCategory(models.TextChoices):
    """PESTLE-style categories, plus the internal ones most registers use."""

    POLITICAL = "political", _("Political")
    ECONOMIC = "economic", _("Economic")
    SOCIAL = "social", _("Social")
    TECHNOLOGICAL = "technological", _("Technological")
    LEGAL = "legal", _("Legal")
    ENVIRONMENTAL = "environmental", _("Environmental")
    ORGANISATIONAL = "organisational", _("Organisational")
    PEOPLE = "people", _("People and culture")


class Treatment(models.TextChoices):
    """How an issue is addressed by the ISMS."""

    RISK = "risk", _("A risk")
    OBJECTIVE = "objective", _("An objective")
    CONTROL = "control", _("A control")
    NO_ACTION = "no_action", _("No action")


class PartyKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    REGULATOR = "regulator", _("Regulator")
    SUPPLIER = "supplier", _("Supplier")
    STAFF = "staff", _("Staff")
    SHAREHOLDER = "shareholder", _("Shareholder")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class RequirementKind(models.TextChoices):
    LEGAL = "legal", _("Legal")
    REGULATORY = "regulatory", _("Regulatory")
    CONTRACTUAL = "contractual", _("Contractual")
    CLIMATE = "climate", _("Climate-related")
    OTHER = "other", _("Other expectation")


class ObjectiveStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    CANCELLED = "cancelled", _("Cancelled")


class MeasureKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the product's data")
    RECORDED = "recorded", _("Recorded by a person")


class Direction(models.TextChoices):
    """Whether the target is a floor or a ceiling."""

    AT_LEAST = "at_least", _("At least the target")
    AT_MOST = "at_most", _("At most the target")


class Frequency(models.TextChoices):
    """How often a measure is taken; the period key of a measurement depends on it."""

    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class FeedbackKind(models.TextChoices):
    """What a piece of feedback from an interested party is."""

    COMPLAINT = "complaint", _("Complaint")
    COMPLIMENT = "compliment", _("Compliment")
    REQUEST = "request", _("Request")
    AUDIT_REMARK = "audit_remark", _("Audit or assessment remark")
    OTHER = "other", _("Other")
