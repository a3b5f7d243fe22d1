"""Choices of business continuity: plan states, exercise kinds and results, gap kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class ExerciseKind(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop discussion")
    WALKTHROUGH = "walkthrough", _("Walkthrough")
    SIMULATION = "simulation", _("Simulation")
    FULL = "full", _("Full failover / restore")


class ExerciseResult(models.TextChoices):
    MET = "met", _("Objectives met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class GapKind(models.TextChoices):
    DECLARED_RTO = "declared_rto", _("Declared recovery time too long")
    DECLARED_RPO = "declared_rpo", _("Declared recovery point too old")
    RDS_BACKUPS_OFF = "rds_backups_off", _("Database without automated backups")
    RDS_SINGLE_AZ = "rds_single_az", _("Database in a single availability zone")
    S3_NO_VERSIONING = "s3_no_versioning", _("Bucket without versioning")
    EXERCISE_MISSED = "exercise_missed", _("Last exercise missed the objective")
