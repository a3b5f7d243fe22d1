"""Control implementations and the Statement of Applicability (ISMS step 9).

`ControlImplementation` is the organisation's living decision about one control: does
it apply, why, how far is it implemented, what evidences it. `SoA` is a numbered,
frozen snapshot of those decisions (`SoARow`, one per control) with a content hash; it
is submitted to management and approved through the shared workflow (`isms.approvals`).
Frozen content never changes: the models refuse it at save() and on their querysets,
the admin is read-only, no service edits a row, and on PostgreSQL triggers refuse raw
UPDATE/DELETE. Only the approval state of an SoA moves.
"""

from django.conf import settings
from django.db import models

from isms import uploads
from isms.choices import (
    EVIDENCE_EXPIRING_DAYS,
    EvidenceKind,
    EvidenceState,
    ImplementationStatus,
    InclusionReason,
)
from isms.models.approvals import ApprovableModel, ApprovalState, ApprovedVersionFrozen
from isms.models.frameworks import Control, Framework
from isms.validators import validate_single_line


class ControlImplementation(models.Model):
    """How the organisation applies one control of a selected framework: applicability
    (undecided while `applicable` is None), reasons or the justification for exclusion,
    status, owner, target date, description and evidence."""

    control = models.OneToOneField(Control, on_delete=models.CASCADE, related_name="implementation")
    applicable = models.BooleanField(null=True, blank=True, help_text="Empty: not decided yet.")
    reasons = models.JSONField(
        "reasons for inclusion", default=list, blank=True, help_text="InclusionReason values."
    )
    justification = models.TextField(
        "justification for exclusion", blank=True, help_text="Required when not applicable."
    )
    status = models.CharField(
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="control_implementations",
    )
    target_date = models.DateField(null=True, blank=True)
    description = models.TextField("implementation", blank=True)
    evidence_text = models.TextField("evidence notes", blank=True)
    implemented_rationale = models.TextField(
        "rationale for Implemented despite failing checks",
        blank=True,
        help_text="Required to mark the control implemented while mapped automated checks fail.",
    )
    evidence_validity_days = models.PositiveIntegerField(
        "evidence validity (days)",
        null=True,
        blank=True,
        help_text="How long evidence of this control stays valid; empty: by evidence kind.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["control__framework", "control__sort_order"]

    def __str__(self):
        return f"Implementation of {self.control.identifier}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(InclusionReason.choices)
        return [labels.get(code, code) for code in self.reasons]

    @property
    def missing_justification(self) -> bool:
        return self.applicable is False and not self.justification.strip()


def evidence_upload_to(instance, filename):
    return uploads.upload_path(f"evidence/{instance.implementation.control_id}", filename)


class Evidence(models.Model):
    """A piece of evidence for one implementation: a link or an uploaded file."""

    implementation = models.ForeignKey(
        ControlImplementation, on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    url = models.URLField("link", max_length=500, blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    valid_from = models.DateField(null=True, blank=True, help_text="Empty: the day it was added.")
    valid_until = models.DateField(
        "expires on", null=True, blank=True, help_text="Expired evidence no longer counts."
    )
    expiry_reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-added_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="evidence_validity_ends_after_start",
                violation_error_message="The validity period ends before it starts.",
            )
        ]

    def __str__(self):
        return self.title

    def state_on(self, today) -> str:
        """current, expiring (within EVIDENCE_EXPIRING_DAYS) or expired on `today`."""
        if self.valid_until is None:
            return EvidenceState.CURRENT
        if self.valid_until < today:
            return EvidenceState.EXPIRED
        if (self.valid_until - today).days <= EVIDENCE_EXPIRING_DAYS:
            return EvidenceState.EXPIRING
        return EvidenceState.CURRENT

    @property
    def state(self) -> str:
        from django.utils import timezone

        return self.state_on(timezone.localdate())

    def get_state_display(self) -> str:
        return EvidenceState(self.state).label


class SoAFrozen(ApprovedVersionFrozen):
    """Raised on any attempt to change or delete a frozen SoA or one of its rows."""


# The only SoA fields that move after freezing, and only through the approval workflow
# (isms.approvals, which writes them with a queryset update).
SOA_WORKFLOW_FIELDS = frozenset({"approval_state", "approved_at", "approved_sha256"})


class SoAQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if not set(kwargs) <= SOA_WORKFLOW_FIELDS:
            raise SoAFrozen("A frozen Statement of Applicability cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        raise SoAFrozen("A Statement of Applicability cannot be deleted.")

    def current(self):
        """The SoA in force: the latest approved one (approving supersedes the others)."""
        return self.filter(approval_state=ApprovalState.APPROVED).order_by("-number").first()


class SoA(ApprovableModel):
    """A numbered, immutable Statement of Applicability: the frozen rows of every control
    of the SoA framework and their content hash. It is frozen from the moment it exists
    (whatever its approval state); management approves it through `isms.approvals`."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="soas")
    framework_name = models.CharField(max_length=200, editable=False)
    framework_version = models.CharField(max_length=50, blank=True, editable=False)
    organisation = models.CharField(max_length=200, editable=False)
    content_hash = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the canonical content"
    )
    summary = models.JSONField(default=dict, editable=False)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    frozen_at = models.DateTimeField(editable=False)

    objects = SoAQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = "statement of applicability"
        verbose_name_plural = "statements of applicability"
        permissions = [
            ("approve_soa", "Can approve a Statement of Applicability"),
            ("download_soa", "Can download a Statement of Applicability"),
        ]

    def __str__(self):
        return f"SoA #{self.number}"

    def save(self, *args, **kwargs):
        # Written once; the workflow moves its state with a queryset update.
        if not self._state.adding:
            raise SoAFrozen("A frozen Statement of Applicability cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SoAFrozen("A Statement of Applicability cannot be deleted.")

    @property
    def is_current(self) -> bool:
        return self.approval_state == ApprovalState.APPROVED


class SoARowQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SoAFrozen("The rows of a Statement of Applicability cannot be changed.")

    def delete(self):
        raise SoAFrozen("The rows of a Statement of Applicability cannot be deleted.")


class SoARow(models.Model):
    """One control as it stood when the SoA was frozen; written once, never changed."""

    soa = models.ForeignKey(SoA, on_delete=models.PROTECT, related_name="rows")
    position = models.PositiveIntegerField()
    control = models.ForeignKey(
        Control, null=True, on_delete=models.SET_NULL, related_name="soa_rows"
    )
    identifier = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    theme = models.CharField(max_length=60, blank=True)
    applicable = models.BooleanField(null=True)
    reasons = models.JSONField(default=list)
    justification = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ImplementationStatus.choices)
    owner = models.CharField(max_length=200, blank=True)
    target_date = models.DateField(null=True)
    description = models.TextField(blank=True)
    risks = models.JSONField(default=list, help_text="References of the treating risks.")
    evidence = models.TextField(blank=True, help_text="Evidence summary.")
    automated = models.JSONField(default=dict, help_text="{passed, failed, checks}")
    inconsistent = models.BooleanField(default=False)
    implemented_rationale = models.TextField(
        blank=True, help_text="Why implemented although mapped automated checks failed."
    )

    objects = SoARowQuerySet.as_manager()

    class Meta:
        ordering = ["soa", "position"]
        constraints = [
            models.UniqueConstraint(fields=["soa", "position"], name="isms_soarow_unique_position")
        ]

    def __str__(self):
        return f"{self.soa} {self.identifier}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SoAFrozen("The rows of a Statement of Applicability cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SoAFrozen("The rows of a Statement of Applicability cannot be deleted.")

    @property
    def status_label(self) -> str:
        return ImplementationStatus(self.status).label

    @property
    def evidence_conflict(self) -> bool:
        """Implemented while mapped automated checks failed when the SoA was frozen."""
        return self.status == ImplementationStatus.IMPLEMENTED and bool(
            (self.automated or {}).get("failed")
        )

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(InclusionReason.choices)
        return [labels.get(code, code) for code in self.reasons]
