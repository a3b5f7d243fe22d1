"""Business impact analysis and continuity (Annex A 5.29-5.30).

`RecoveryObjective` holds, for one asset, what the BIA set on it (its own maximum
tolerable downtime, RTO and RPO, impact over time) and what it must deliver because of
what depends on it: the `required_*` figures, the strictest (smallest) own figure of the
asset and of every asset above it in the dependency graph. They are derived, never typed:
`services.objectives_refresh` keeps them correct in the transaction of every change of
an objective or of the graph. Times are whole minutes (an RPO of 0 means no data loss).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assets.continuity.choices import ExerciseKind, ExerciseResult, PlanStatus
from assets.models import Asset
from isms.models.approvals import ApprovableModel

OWN = ("mtd_minutes", "rto_minutes", "rpo_minutes")
REQUIRED = ("required_mtd_minutes", "required_rto_minutes", "required_rpo_minutes")


def _minutes(label):
    return models.PositiveIntegerField(label, null=True, blank=True)


class RecoveryObjective(models.Model):
    """The recovery objectives of one asset: set by the BIA (own) and inherited (required)."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="recovery_objective")
    mtd_minutes = _minutes(_("maximum tolerable downtime (minutes)"))
    rto_minutes = _minutes(_("recovery time objective (minutes)"))
    rpo_minutes = _minutes(_("recovery point objective (minutes)"))
    impact_over_time = models.JSONField(
        default=list,
        blank=True,
        help_text=_('Impact after each duration: [{"after_minutes": 60, "impact": "..."}].'),
    )
    achievable_rto_minutes = _minutes(_("achievable recovery time (minutes)"))
    achievable_rpo_minutes = _minutes(_("achievable recovery point (minutes)"))
    notes = models.TextField(blank=True)
    required_mtd_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    required_rto_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    required_rpo_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["asset__ref"]
        verbose_name = _("recovery objective")

    def __str__(self):
        return f"{self.asset} RTO {self.required_rto_minutes} RPO {self.required_rpo_minutes}"

    def get_absolute_url(self):
        return reverse("continuity:bia_detail", args=[self.asset_id])

    @property
    def has_own(self) -> bool:
        return any(getattr(self, name) is not None for name in OWN)

    @property
    def is_empty(self) -> bool:
        """Nothing set and nothing inherited: the row can go."""
        return not (
            self.has_own
            or self.achievable_rto_minutes is not None
            or self.achievable_rpo_minutes is not None
            or self.notes
            or self.impact_over_time
            or any(getattr(self, name) is not None for name in REQUIRED)
        )

    def clean(self):
        errors = {}
        if (
            self.rto_minutes is not None
            and self.mtd_minutes is not None
            and self.rto_minutes > self.mtd_minutes
        ):
            errors["rto_minutes"] = _(
                "The RTO (%(rto)s min) cannot exceed the maximum tolerable downtime (%(mtd)s min)."
            ) % {"rto": self.rto_minutes, "mtd": self.mtd_minutes}
        steps = self.impact_over_time
        if not isinstance(steps, list) or not all(
            isinstance(step, dict)
            and isinstance(step.get("after_minutes"), int)
            and step["after_minutes"] >= 0
            and isinstance(step.get("impact"), str)
            and step["impact"].strip()
            for step in steps
        ):
            errors["impact_over_time"] = _(
                'A list of {"after_minutes": whole minutes >= 0, "impact": text}.'
            )
        if errors:
            raise ValidationError(errors)


class ContinuityPlan(models.Model):
    """A business continuity / disaster recovery plan for some essential processes."""

    ref = models.CharField(max_length=20, unique=True, editable=False)
    number = models.PositiveIntegerField(editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    processes = models.ManyToManyField(
        Asset, related_name="continuity_plans", blank=True, verbose_name=_("processes covered")
    )
    strategy = models.TextField(_("recovery strategy"), blank=True)
    content = models.TextField(_("plan"), blank=True, help_text=_("Markdown."))
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    test_interval_days = models.PositiveIntegerField(_("exercise every (days)"), default=365)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("continuity plan")

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("continuity:plan_detail", args=[self.pk])


class ContinuityPlanVersion(ApprovableModel):
    """A plan's strategy and text as submitted to management: approved through the one
    ISMS workflow (isms.approvals), frozen once approved. The plan is drafted on
    `ContinuityPlan`; each submission snapshots it as the next version."""

    plan = models.ForeignKey(ContinuityPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    strategy = models.TextField(blank=True)
    content = models.TextField(blank=True)
    processes = models.JSONField(default=list, help_text=_("References of the processes."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("continuity plan version")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self):
        return f"{self.plan.ref} v{self.number}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url()

    def canonical_json(self) -> str:
        """The text management approves (its SHA-256 is kept with the approval)."""
        import json

        return json.dumps(
            {
                "plan": self.plan.ref,
                "version": self.number,
                "title": self.title,
                "processes": self.processes,
                "strategy": self.strategy,
                "content": self.content,
            },
            sort_keys=True,
            ensure_ascii=False,
        )


class ContinuityExercise(models.Model):
    """A test or exercise of a continuity plan, and what it showed."""

    plan = models.ForeignKey(ContinuityPlan, on_delete=models.CASCADE, related_name="exercises")
    held_on = models.DateField(_("held on"))
    kind = models.CharField(max_length=20, choices=ExerciseKind.choices)
    scenario = models.TextField(_("scenario"))
    achieved_rto_minutes = _minutes(_("recovery time achieved (minutes)"))
    achieved_rpo_minutes = _minutes(_("data loss observed (minutes)"))
    result = models.CharField(max_length=20, choices=ExerciseResult.choices)
    observations = models.TextField(_("observations and follow-up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("continuity exercise")

    def __str__(self):
        return f"{self.plan.ref} {self.get_kind_display()} {self.held_on}"
