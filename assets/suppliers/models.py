"""The supplier register and supplier assessments.

A supplier is a partner-organisation asset (`Supplier.asset`): what depends on it in
the dependency graph gives its value at stake, and so its derived criticality.
"""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from assets.suppliers.choices import (
    AnswerType,
    AssessmentStatus,
    CertificationKind,
    Conclusion,
    Criticality,
    DataClassification,
    FollowUpKind,
)
from isms.validators import validate_single_line

# Value at stake ($) from which a supplier is at least this critical.
CRITICALITY_THRESHOLDS = (
    (Decimal("1000000"), Criticality.CRITICAL),
    (Decimal("250000"), Criticality.HIGH),
    (Decimal("50000"), Criticality.MEDIUM),
)


def criticality_for(value_at_stake) -> str:
    """The criticality that `value_at_stake` ($) calls for."""
    for threshold, level in CRITICALITY_THRESHOLDS:
        if value_at_stake >= threshold:
            return level
    return Criticality.LOW


def hash_token(token: str) -> str:
    """What is stored of an assessment link's token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class Supplier(models.Model):
    """An external organisation the ISMS relies on (a partner-organisation asset), with
    the services it provides, the data shared with it, its criticality and review date.

    Criticality is derived from the value at stake of what depends on the supplier's
    asset; a security manager may override it, with a reason."""

    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, related_name="supplier")
    services_provided = models.TextField(_("services provided"), blank=True)
    data_shared = models.TextField(_("data shared"), blank=True)
    data_classification = models.CharField(
        _("classification of the data shared"),
        max_length=20,
        choices=DataClassification.choices,
        default=DataClassification.NONE,
    )
    criticality_override = models.CharField(
        _("criticality (override)"), max_length=10, choices=Criticality.choices, blank=True
    )
    criticality_reason = models.TextField(_("reason for the override"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    review_interval_days = models.PositiveIntegerField(
        _("review interval (days)"), default=365, validators=[MinValueValidator(1)]
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    is_aws = models.BooleanField(
        default=False, editable=False, help_text=_("Created when an AWS account is connected.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["asset__name"]
        permissions = [("export_supplier", "Can export the supplier register")]
        constraints = [
            models.UniqueConstraint(
                fields=["is_aws"], condition=models.Q(is_aws=True), name="supplier_one_aws"
            )
        ]

    def __str__(self):
        return self.asset.name

    def get_absolute_url(self):
        return reverse("suppliers:supplier_detail", args=[self.pk])

    def clean(self):
        if self.criticality_override and not self.criticality_reason.strip():
            raise ValidationError(
                {"criticality_reason": _("Say why the derived criticality is overridden.")},
                code="reason_required",
            )

    @property
    def derived_criticality(self) -> str:
        return criticality_for(self.asset.value_at_stake_usd)

    @property
    def criticality(self) -> str:
        return self.criticality_override or self.derived_criticality

    def get_criticality_display(self):
        return Criticality(self.criticality).label


class Contract(models.Model):
    """A contract with a supplier: its dates and the security terms auditors look for
    (security clauses, right to audit, exit plan)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    security_clauses = models.TextField(_("security clauses"), blank=True)
    right_to_audit = models.BooleanField(_("right to audit"), default=False)
    exit_plan = models.TextField(_("exit plan"), blank=True)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The contract cannot end before it starts.")}, code="ends_early"
            )


class Certification(models.Model):
    """A certificate or assurance report a supplier holds (ISO 27001, SOC 2...), with its
    expiry; the daily task reminds once when it is about to expire."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(max_length=20, choices=CertificationKind.choices)
    title = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    reference = models.CharField(_("certificate number or URL"), max_length=300, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["expires_on"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.supplier})"

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError(
                {"expires_on": _("A certification cannot expire before it was issued.")},
                code="expires_before_issue",
            )

    @property
    def expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class Questionnaire(models.Model):
    """A questionnaire template: sections of questions, each with an answer type and a
    weight. `content` is the JSON document that is imported and exported:
    `{"sections": [{"title", "questions": [{"id", "text", "type", "weight"}]}]}`."""

    name = models.CharField(max_length=200, unique=True, validators=[validate_single_line])
    description = models.TextField(blank=True)
    content = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("suppliers:questionnaire_detail", args=[self.pk])

    def questions(self):
        for section in self.content.get("sections", []):
            yield from section["questions"]


class Assessment(models.Model):
    """One questionnaire sent to a supplier contact through a time-limited, single-use
    link (only the token's hash is stored), the answers, their score and the reviewer's
    conclusion."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="assessments")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments"
    )
    # Frozen copy of the questionnaire as sent: later edits of the template change nothing.
    content = models.JSONField(default=dict, editable=False)
    contact_email = models.EmailField(_("sent to"))
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    expires_at = models.DateTimeField(editable=False)
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.SENT
    )
    answers = models.JSONField(default=dict, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    score = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, editable=False
    )
    conclusion = models.CharField(max_length=14, choices=Conclusion.choices, blank=True)
    conclusion_notes = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    concluded_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # A backup never carries a live link: restored assessments' links are closed.
    backup_cleared_fields = {"token_hash": None}
    # The trail says whether a link is live, never its hash.
    audit_redacted_fields = ("token_hash",)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"SA-{self.number:03d} {self.supplier}"

    def get_absolute_url(self):
        return reverse("suppliers:assessment_detail", args=[self.pk])

    @property
    def ref(self) -> str:
        return f"SA-{self.number:03d}"

    @property
    def link_open(self) -> bool:
        return (
            self.status == AssessmentStatus.SENT
            and self.token_hash is not None
            and self.expires_at > timezone.now()
        )


class AssessmentFinding(models.Model):
    """A weakness the reviewer found in an assessment. It may become a risk or a
    nonconformity: the raised record is linked generically (`raised_type`,
    `raised_id`), so the audits app's nonconformities need no change here."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    raised_kind = models.CharField(
        max_length=20, choices=FollowUpKind.choices, blank=True, editable=False
    )
    raised_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
    )
    raised_id = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title


__all__ = [
    "AnswerType",
    "Assessment",
    "AssessmentFinding",
    "Certification",
    "Contract",
    "Questionnaire",
    "Supplier",
]
