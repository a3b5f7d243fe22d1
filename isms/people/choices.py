"""Choices of people, competence and awareness."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    TRAINING = "training", _("Training")
    CERTIFICATION = "certification", _("Certification")
    EXPERIENCE = "experience", _("Experience")
    EDUCATION = "education", _("Education")
