"""Clauses 4-10 catalogue marks, the internal audit programme (ISO/IEC 27001 9.2), its
audits, their checklist items and evidence, and the audit report.

The clauses of ISO/IEC 27001 (4-10) are a framework of the shared catalogue
(`isms.models.Control`, loaded from `isms/frameworks/data/iso27001-2022-clauses.json`),
so an audit's criteria pick clauses and Annex A controls from one model. What the
catalogue does not hold (which clauses make documented information mandatory, and
where this product keeps it) lives in `ClauseRequirement`, one row per clause control.

An `AuditProgramme` plans one year of audits. An `Audit` (A-2026-01) has criteria
(controls), auditors and auditees; its checklist (`AuditItem`, one per criterion) is
generated from the criteria; each item is concluded (conforming, nonconformity major or
minor, observation, opportunity for improvement) with evidence (`AuditEvidence`: a link
or a file, like control evidence). The `AuditReport` is the released, approved and
frozen report of one completed audit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isms.models import Control
from isms.models.approvals import ApprovableModel
from isms.uploads import upload_path
from isms.validators import validate_single_line

__all__ = [
    "Audit",
    "AuditConclusion",
    "AuditEvidence",
    "AuditItem",
    "AuditProgramme",
    "AuditReport",
    "AuditStatus",
    "ClauseRequirement",
    "NC_CONCLUSIONS",
]


class ClauseRequirement(models.Model):
    """The marks a requirement of clauses 4-10 carries beyond the catalogue: the
    documented information the standard makes mandatory for it, and the page of this
    product that holds it (a URL name)."""

    control = models.OneToOneField(
        Control, on_delete=models.CASCADE, related_name="clause_requirement"
    )
    documented_information = models.CharField(
        _("mandatory documented information"), max_length=300, blank=True
    )
    held_in = models.CharField(
        _("held in (URL name)"), max_length=100, blank=True, help_text=_("e.g. isms:scope")
    )

    class Meta:
        ordering = ["control__sort_order"]

    def __str__(self):
        return self.control.identifier

    @property
    def mandatory(self) -> bool:
        return bool(self.documented_information)


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class AuditConclusion(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    NC_MAJOR = "nc_major", _("Nonconformity (major)")
    NC_MINOR = "nc_minor", _("Nonconformity (minor)")
    OBSERVATION = "observation", _("Observation")
    IMPROVEMENT = "improvement", _("Opportunity for improvement")


NC_CONCLUSIONS = (AuditConclusion.NC_MAJOR, AuditConclusion.NC_MINOR)


class AuditProgramme(models.Model):
    """The internal audit programme of one year (9.2.2): what the audits are for, their
    criteria, scope, frequency, methods and who is responsible, planned from the
    importance of the processes and the results of previous audits."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    objectives = models.TextField(_("objectives"))
    criteria = models.TextField(_("criteria"), blank=True)
    scope = models.TextField(_("scope"))
    frequency = models.CharField(
        _("frequency"), max_length=200, blank=True, validators=[validate_single_line]
    )
    methods = models.TextField(_("methods"), blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    process_importance = models.TextField(_("importance of the processes"), blank=True)
    previous_results = models.TextField(_("results of previous audits"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme owner"),
    )
    next_review = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("audit programme")

    def __str__(self):
        return f"{self.year}: {self.title}"


class Audit(models.Model):
    """One internal audit of a programme: reference A-<year>-<nn>, criteria (clauses and
    controls), auditors and auditees, dates and status."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="audits")
    number = models.PositiveSmallIntegerField(editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    scope = models.TextField(_("scope"), blank=True)
    criteria = models.ManyToManyField(
        Control, related_name="audits", blank=True, verbose_name=_("criteria")
    )
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="audits_as_auditor", verbose_name=_("auditors")
    )
    auditees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="audits_as_auditee",
        blank=True,
        verbose_name=_("auditees"),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-programme__year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="audit_unique_number"),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="audit_ends_after_start",
                violation_error_message="The audit ends before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"A-{self.programme.year}-{self.number:02d}"


class AuditItem(models.Model):
    """One line of an audit's checklist: a criterion (clause or control) to examine, and
    the auditor's conclusion with its findings and evidence."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="items")
    requirement = models.ForeignKey(
        Control, on_delete=models.PROTECT, related_name="audit_items", verbose_name=_("requirement")
    )
    sort_order = models.PositiveIntegerField(default=0)
    question = models.TextField(_("what to check"), blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=20, choices=AuditConclusion.choices, blank=True
    )
    findings = models.TextField(_("findings"), blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "requirement"], name="audit_item_unique_requirement"
            )
        ]

    def __str__(self):
        return f"{self.audit.reference} {self.requirement.identifier}"

    @property
    def is_nonconformity(self) -> bool:
        return self.conclusion in NC_CONCLUSIONS


def audit_evidence_upload_to(instance, filename):
    return upload_path(f"audit-evidence/{instance.item.audit_id}", filename)


class AuditEvidence(models.Model):
    """What an auditor saw for one checklist item: a link or an uploaded file (the same
    two forms and the same upload checks as control evidence)."""

    item = models.ForeignKey(AuditItem, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(upload_to=audit_evidence_upload_to, blank=True, max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name_plural = _("audit evidence")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(url="") & ~models.Q(file=""))
                | (~models.Q(url="") & models.Q(file="")),
                name="audit_evidence_link_or_file",
                violation_error_message="Give either a link or a file (one of the two).",
            )
        ]

    def __str__(self):
        return self.title


class AuditReport(ApprovableModel):
    """The report of a completed audit: its conclusions frozen as canonical JSON at
    creation, released through the approval workflow (approved = frozen and hashed)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField(editable=False)
    conclusion = models.TextField(_("overall conclusion"))
    content = models.JSONField(editable=False, help_text=_("The audit as reported."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "-version"]
        verbose_name = _("audit report")
        constraints = [
            models.UniqueConstraint(fields=["audit", "version"], name="audit_report_unique_version")
        ]

    def __str__(self):
        return f"{self.audit.reference} report v{self.version}"
