"""Choices of control assurance."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ControlTestMethod(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    OBSERVATION = "observation", _("Observation")
    REPERFORMANCE = "reperformance", _("Re-performance")
    AUTOMATED = "automated", _("Automated")


# Methods whose results must cite evidence (an observation may be recorded in remarks).
METHODS_REQUIRING_EVIDENCE = {ControlTestMethod.INSPECTION, ControlTestMethod.REPERFORMANCE}


class ControlTestFrequency(models.IntegerChoices):
    """Months between two tests."""

    MONTHLY = 1, _("Monthly")
    QUARTERLY = 3, _("Quarterly")
    HALF_YEARLY = 6, _("Every six months")
    YEARLY = 12, _("Yearly")


class Conclusion(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    PARTIAL = "partial", _("Partially effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


class ResultStatus(models.TextChoices):
    OPEN = "open", _("Open (due)")
    DONE = "done", _("Concluded")
