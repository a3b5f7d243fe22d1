"""The management approval workflow (ISMS step 8): requests, decisions, approvable versions.

Any app makes a model approvable by inheriting `ApprovableModel` and registering it
with `isms.approvals.register()`; the workflow services in `isms.approvals` are the
only code that moves a version through its states.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from isms.choices import ApprovalState, Decision

# A version in these states is frozen: its content is what management approved.
FROZEN_STATES = frozenset({ApprovalState.APPROVED, ApprovalState.SUPERSEDED})
# A version in these states may still be edited by its authors.
EDITABLE_STATES = frozenset({ApprovalState.DRAFT, ApprovalState.CHANGES_REQUESTED})


class ApprovedVersionFrozen(Exception):
    """Raised when anything tries to change or delete an approved (or superseded) version."""


class ApprovableModel(models.Model):
    """Abstract base of every approvable version (scope, policy, methodology, SoA...).

    `approval_state` is written only by the workflow (with a queryset update). Once a
    version is approved, `save()` and `delete()` refuse, whatever the path (form, API,
    admin, service); on PostgreSQL a trigger (`isms.approvals.freeze_approved_rows`)
    also refuses a raw UPDATE or DELETE. A change means a new version.
    """

    approval_state = models.CharField(
        max_length=20,
        choices=ApprovalState.choices,
        default=ApprovalState.DRAFT,
        db_index=True,
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_sha256 = models.CharField(
        "SHA-256 of the approved content", max_length=64, blank=True, editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Read the stored state rather than trust the instance: a stale instance must
        # not overwrite an approval that happened since it was loaded.
        if self._stored_state() in FROZEN_STATES:
            raise ApprovedVersionFrozen(f"{self} is approved and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_state() in FROZEN_STATES:
            raise ApprovedVersionFrozen(f"{self} is approved and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.approval_state in FROZEN_STATES

    @property
    def is_editable(self) -> bool:
        return self.approval_state in EDITABLE_STATES

    def _stored_state(self) -> str | None:
        if self.pk is None or self._state.adding:
            return None
        return (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values_list("approval_state", flat=True)
            .first()
        )


class ApprovalRequest(models.Model):
    """One submission of one version for management approval, and its outcome.

    Keeps the exact content submitted (and its SHA-256), who submitted it, who else
    edited it, and the quorum the type required. Decisions hang off it.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=300)
    state = models.CharField(
        max_length=20,
        choices=ApprovalState.choices,
        default=ApprovalState.IN_REVIEW,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_submissions"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    submit_comment = models.TextField(blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Everyone who created or edited the version: none of them may decide.",
    )
    content = models.TextField(help_text="The canonical content submitted, exactly as hashed.")
    content_sha256 = models.CharField("SHA-256", max_length=64)
    quorum = models.PositiveSmallIntegerField(default=1)
    decided_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [("decide_approvalrequest", "Can decide approval requests")]

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state == ApprovalState.IN_REVIEW


class ApprovalDecision(models.Model):
    """One approver's signed decision on a request: who, when (UTC), what, why, and the
    SHA-256 of the content they saw. Immutable once written."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="decisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_decisions"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    content_sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "decided_by"], name="approval_one_decision_per_approver"
            )
        ]

    def __str__(self):
        return f"{self.decided_by} {self.get_decision_display().lower()} {self.request.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Approval decisions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Approval decisions are immutable.")
