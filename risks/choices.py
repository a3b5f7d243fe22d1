"""Choices of the risks app."""

from django.db import models


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    ANALYSED = "analysed", "Analysed"
    TREATMENT_PLANNED = "treatment_planned", "Treatment planned"
    TREATED = "treated", "Treated"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


class TreatmentOption(models.TextChoices):
    MITIGATE = "mitigate", "Mitigate"
    ACCEPT = "accept", "Accept"
    TRANSFER = "transfer", "Transfer"
    AVOID = "avoid", "Avoid"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class CatalogueSource(models.TextChoices):
    SEED = "seed", "ISMS seed notes"
    COMMON = "common", "Common catalogue"
    CUSTOM = "custom", "Added by the organisation"


# The colours a risk level may take: Tabler's palette, rendered by CSS classes
# (static/risks/risks.css: .risk-level-<colour>), never by inline styles.
LEVEL_COLOURS = [
    ("green", "Green"),
    ("lime", "Lime"),
    ("yellow", "Yellow"),
    ("orange", "Orange"),
    ("red", "Red"),
    ("purple", "Purple"),
]
