"""Nonconformities and corrective action (ISO/IEC 27001 10.2) and opportunities for
improvement (10.1), in one register.

A `Nonconformity` is either a nonconformity (NC-001: a requirement not met) or an
opportunity for improvement (OFI-001: nothing is wrong, something could be better);
both are tracked the same way. Each records where it came from (`origin` and a
generic link to the source record: an audit item, an AWS finding, an incident, a
supplier assessment finding, a control test...), the requirement not met (a `Control`
of any catalogue, or a free reference), the containment or correction, the root cause
(up to five "why" answers, or free text), the similar nonconformities, and its
`CorrectiveAction`s. An NC is closed only after an `EffectivenessCheck` found the
actions effective; closing a major one is Management's decision. `version` is the
optimistic-concurrency counter of the record (a save from an older version is a 409).
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

# At most this many "why" answers in a 5-whys root-cause analysis.
MAX_WHYS = 5


class NonconformityKind(models.TextChoices):
    NONCONFORMITY = "nonconformity", _("Nonconformity")
    IMPROVEMENT = "improvement", _("Opportunity for improvement")


# The reference prefix of each kind: NC-001, OFI-001.
REF_PREFIX = {NonconformityKind.NONCONFORMITY: "NC", NonconformityKind.IMPROVEMENT: "OFI"}


class Origin(models.TextChoices):
    INTERNAL_AUDIT = "internal_audit", _("Internal audit")
    AWS_FINDING = "aws_finding", _("AWS finding")
    INCIDENT = "incident", _("Incident")
    SUPPLIER = "supplier", _("Supplier")
    CONTROL_TEST = "control_test", _("Control test")
    REVIEW = "review", _("Management review")
    MANUAL = "manual", _("Recorded by hand")


class NcSeverity(models.TextChoices):
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class NcStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Corrective action under way")
    TO_VERIFY = "to_verify", _("Awaiting effectiveness check")
    VERIFIED = "verified", _("Effective, ready to close")
    CLOSED = "closed", _("Closed")


OPEN_NC_STATUSES = [s for s in NcStatus.values if s != NcStatus.CLOSED]


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]


class EffectivenessResult(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


class Nonconformity(models.Model):
    """A nonconformity (10.2) or an opportunity for improvement (10.1): what was found,
    where, against which requirement, how it was contained, why it happened, what is
    done about it and whether that worked."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=NonconformityKind.choices,
        default=NonconformityKind.NONCONFORMITY,
        db_index=True,
    )
    number = models.PositiveIntegerField(editable=False)
    ref = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.MANUAL, db_index=True
    )
    # The record it was raised from (an audit item, a finding, an incident...): a generic
    # link, so that any app's records can raise one without this app knowing them.
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    source_id = models.CharField(max_length=40, blank=True, editable=False)
    source_repr = models.CharField(_("source"), max_length=300, blank=True, editable=False)
    requirement = models.ForeignKey(
        "isms.Control",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nonconformities",
        verbose_name=_("requirement not met"),
    )
    requirement_ref = models.CharField(
        _("requirement (free reference)"),
        max_length=200,
        blank=True,
        help_text=_("A contract clause, a law, an internal rule: when it is no catalogue's."),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=NcSeverity.choices, blank=True, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NcStatus.choices, default=NcStatus.OPEN, db_index=True
    )
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_nonconformities",
        verbose_name=_("owner"),
    )
    detected_on = models.DateField(_("detected on"), default=datetime.date.today)
    due_on = models.DateField(
        _("target closure date"),
        null=True,
        blank=True,
        help_text=_("When it should be closed; the measure 'NC closure on time' counts it."),
    )
    containment = models.TextField(
        _("containment and correction"),
        blank=True,
        help_text=_("What was done at once to control it and deal with its consequences."),
    )
    root_cause_whys = models.JSONField(
        _("5 whys"),
        default=list,
        blank=True,
        help_text=_("Up to five answers, each one asking 'why?' of the previous one."),
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    similar = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("similar nonconformities")
    )
    raised_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    closure_comment = models.TextField(_("closure comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        permissions = [("decide_nonconformity", "Close a major nonconformity (Management)")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="audits_nc_kind_number"),
            # Raising twice from the same record gives the same nonconformity.
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=models.Q(source_type__isnull=False),
                name="audits_nc_one_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("audits:nonconformity_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != NcStatus.CLOSED

    @property
    def is_nonconformity(self) -> bool:
        return self.kind == NonconformityKind.NONCONFORMITY

    @property
    def requirement_label(self) -> str:
        if self.requirement_id:
            return f"{self.requirement.identifier} {self.requirement.title}"
        return self.requirement_ref

    @property
    def age_days(self) -> int:
        end = timezone.localdate(self.closed_at) if self.closed_at else timezone.localdate()
        return (end - self.detected_on).days


class CorrectiveAction(models.Model):
    """An action taken to remove the cause of a nonconformity (or to seize an
    opportunity for improvement): who, by when, its progress and when it was done."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        USER,
        null=True,
        on_delete=models.SET_NULL,
        related_name="corrective_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActionStatus.choices,
        default=ActionStatus.PLANNED,
        db_index=True,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")

    def __str__(self):
        return f"{self.nonconformity.ref}: {self.title}"

    def get_absolute_url(self):
        return self.nonconformity.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class EffectivenessCheck(models.Model):
    """The review, once the actions are done, of whether they removed the cause: who
    checked, when, the result and what they looked at. Append-only."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="effectiveness_checks"
    )
    checked_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("checked by")
    )
    checked_on = models.DateField(_("checked on"), default=datetime.date.today)
    result = models.CharField(_("result"), max_length=20, choices=EffectivenessResult.choices)
    notes = models.TextField(_("what was checked"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("effectiveness check")
        verbose_name_plural = _("effectiveness checks")

    def __str__(self):
        return f"{self.nonconformity.ref} {self.checked_on}: {self.get_result_display()}"


__all__ = [
    "ActionStatus",
    "CorrectiveAction",
    "EffectivenessCheck",
    "EffectivenessResult",
    "NcSeverity",
    "NcStatus",
    "Nonconformity",
    "NonconformityKind",
    "Origin",
]
