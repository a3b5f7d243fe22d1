"""Step 3: the risk assessment methodology, a versioned document."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from isms.models.approvals import ApprovableModel, ApprovalState
from isms.validators import validate_single_line
from risks.scoring import Scale, canonical_json


class Methodology(models.Model):
    """The organisation's risk assessment methodology: a stable record whose content
    lives in immutable versions. One version at a time is active (approved); every risk
    is scored by it."""

    name = models.CharField(
        max_length=200, default="Risk assessment methodology", validators=[validate_single_line]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "methodologies"

    def __str__(self):
        return self.name


class MethodologyVersionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(approval_state=ApprovalState.APPROVED)


class MethodologyVersion(ApprovableModel):
    """One version of the methodology: scales, matrix, levels and acceptance criteria.

    It goes through the ISMS approval workflow (draft -> in review -> approved ->
    superseded). The approved version is the active one: every risk is scored by it, and
    it is frozen (`ApprovableModel`); a change is a new version.
    """

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    preset = models.CharField(max_length=10, blank=True, help_text="The preset it started from.")
    content = models.JSONField(help_text="Scales, levels, matrix and acceptance criteria.")
    change_note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MethodologyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "number"], name="risks_methodology_version_unique"
            ),
            models.UniqueConstraint(
                fields=["methodology"],
                condition=models.Q(approval_state="approved"),
                name="risks_one_active_methodology_version",
            ),
        ]

    def __str__(self):
        return f"{self.methodology} v{self.number}"

    @property
    def scale(self) -> Scale:
        return Scale(self.content)

    def get_absolute_url(self):
        return reverse("risks:methodology_version", args=[self.pk])

    def canonical_json(self) -> str:
        """The text management approves (its SHA-256 is kept with the approval)."""
        return canonical_json(self.content)

    @property
    def is_active(self) -> bool:
        return self.approval_state == ApprovalState.APPROVED

    @property
    def size_label(self) -> str:
        return f"{len(self.content['likelihood'])} x {len(self.content['impact'])}"
