"""Governance documents: the ISMS scope (step 1), the policies (step 2), their
acknowledgements, and the bookkeeping of periodic reviews."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from isms.choices import Classification, PolicyKind
from isms.models.approvals import ApprovableModel
from isms.validators import validate_single_line


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


class Reviewable(models.Model):
    """Abstract: a document reviewed every `review_interval_months`; the next due date is
    set when it is approved or marked reviewed."""

    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="How often the document is reviewed, in months."
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True


class Scope(Reviewable):
    """The ISMS scope (step 1): the stable record whose versions are approved.

    One per installation; its versions carry the content.
    """

    name = models.CharField(max_length=200, default="ISMS scope", validators=[validate_single_line])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("download_auditpack", "Can download the audit pack")]

    def __str__(self):
        return self.name

    @property
    def current_version(self):
        """The approved version in force, if any."""
        return self.versions.filter(approval_state="approved").order_by("-number").first()


class ScopeVersion(ApprovableModel):
    """One version of the ISMS scope: boundaries, what and who is in and out of it.

    Immutable once approved; a change is a new version.
    """

    scope = models.ForeignKey(Scope, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    description = models.TextField(help_text="What the ISMS covers, in a few sentences.")
    boundaries = models.TextField(blank=True, help_text="Organisational and technical boundaries.")
    business_units = models.TextField(blank=True, help_text="One business unit per line.")
    locations = models.TextField(blank=True, help_text="One site or location per line.")
    processes = models.TextField(blank=True, help_text="Business processes in scope, one per line.")
    essential_assets = models.TextField(
        blank=True, help_text="Essential assets in scope (information, processes), one per line."
    )
    aws_accounts = models.TextField(blank=True, help_text="AWS account ids in scope, one per line.")
    aws_regions = models.TextField(blank=True, help_text="AWS regions in scope, one per line.")
    exclusions = models.JSONField(
        default=list,
        blank=True,
        help_text='What is out of scope and why: [{"item": ..., "justification": ...}].',
    )
    interested_parties = models.TextField(
        blank=True, help_text="Interested parties and their requirements, one per line."
    )
    dependencies = models.TextField(
        blank=True, help_text="Dependencies and interfaces with what is outside the scope."
    )
    change_summary = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "number"], name="scope_version_unique_number")
        ]

    def __str__(self):
        return f"{self.scope} v{self.number}"

    def get_absolute_url(self):
        return reverse("isms:scope_version_detail", args=[self.pk])

    SECTIONS = (
        ("description", "Description"),
        ("boundaries", "Boundaries"),
        ("business_units", "Business units"),
        ("locations", "Locations"),
        ("processes", "Processes"),
        ("essential_assets", "Essential assets"),
        ("aws_accounts", "AWS accounts"),
        ("aws_regions", "AWS regions"),
        ("interested_parties", "Interested parties and their requirements"),
        ("dependencies", "Dependencies and interfaces"),
    )

    def canonical_text(self) -> str:
        """The approved content: every section, in a fixed order (hashed and diffed)."""
        parts = [f"# {self.scope.name}, version {self.number}"]
        for field, title in self.SECTIONS:
            parts.append(f"## {title}\n\n{getattr(self, field).strip()}")
        exclusions = "\n".join(
            f"- {row.get('item', '').strip()}: {row.get('justification', '').strip()}"
            for row in self.exclusions
        )
        parts.append(f"## Exclusions\n\n{exclusions}")
        from isms.governance.scope_sections import rendered

        parts.extend(f"## {title}\n\n{text.strip()}" for title, text in rendered(self))
        return "\n\n".join(parts).replace("\r\n", "\n") + "\n"


class Policy(Reviewable):
    """A policy document (step 2): owner, classification, review interval, its versions
    and the one published version staff acknowledge."""

    reference = models.CharField(max_length=20, unique=True, help_text="e.g. POL-01")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    kind = models.CharField(max_length=20, choices=PolicyKind.choices, default=PolicyKind.OTHER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_policies",
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.INTERNAL
    )
    published_version = models.ForeignKey(
        "PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]
        verbose_name_plural = "policies"

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("isms:policy_detail", args=[self.pk])


class PolicyVersion(ApprovableModel):
    """One version of a policy's text (Markdown). Immutable once approved."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(help_text="Markdown. Rendered as sanitised HTML.")
    change_summary = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="policy_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.policy} v{self.number}"

    def get_absolute_url(self):
        return reverse("isms:policy_version_detail", args=[self.pk])

    def canonical_text(self) -> str:
        """The approved content: reference, title, version and the Markdown body."""
        body = self.body.replace("\r\n", "\n").strip()
        return f"# {self.policy.reference} {self.policy.title}, version {self.number}\n\n{body}\n"


class PolicyAcknowledgement(models.Model):
    """A member of staff confirming they have read one published policy version."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="policy_ack_once_per_version")
        ]

    def __str__(self):
        return f"{self.user} read {self.version}"


class ReviewReminder(models.Model):
    """The reminder sent for one record's review due date: the daily review task writes
    one row per (record, due date), so owners are reminded once, not every day."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    due_date = models.DateField()
    title = models.CharField(max_length=300, validators=[validate_single_line])
    reminded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reminded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "due_date"], name="review_reminder_once"
            )
        ]

    def __str__(self):
        return f"Review of {self.title} due {self.due_date}"
