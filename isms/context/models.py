"""The organisation's context (4.1), interested parties and their requirements (4.2),
information security objectives (6.2) and monitoring and measurement (9.1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from isms.context.choices import (
    Direction,
    FeedbackKind,
    Frequency,
    IssueCategory,
    IssueOrigin,
    MeasureKind,
    ObjectiveStatus,
    PartyKind,
    RequirementKind,
    Treatment,
)
from isms.models.governance import Reviewable
from isms.validators import validate_single_line

USER = settings.AUTH_USER_MODEL


class ContextIssue(Reviewable):
    """An internal or external issue that affects the ISMS's ability to achieve its
    outcomes (4.1), its effect and how the ISMS addresses it."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=IssueOrigin.choices)
    category = models.CharField(_("category"), max_length=20, choices=IssueCategory.choices)
    effect = models.TextField(_("effect on the ISMS"))
    treatment = models.CharField(_("addressed by"), max_length=12, choices=Treatment.choices)
    risk_reference = models.CharField(
        _("risk reference"), max_length=20, blank=True, help_text=_("e.g. R-004")
    )
    objective = models.ForeignKey(
        "Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    control = models.ForeignKey(
        "isms.Control", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_action_reason = models.TextField(_("reason for no action"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"CI-{self.number:03d}"

    def clean(self):
        """The treatment names what addresses the issue; "no action" says why."""
        errors = {}
        if self.treatment == Treatment.RISK and not self.risk_reference.strip():
            errors["risk_reference"] = _("Name the risk that addresses this issue.")
        if self.treatment == Treatment.OBJECTIVE and self.objective_id is None:
            errors["objective"] = _("Choose the objective that addresses this issue.")
        if self.treatment == Treatment.CONTROL and self.control_id is None:
            errors["control"] = _("Choose the control that addresses this issue.")
        if self.treatment == Treatment.NO_ACTION and not self.no_action_reason.strip():
            errors["no_action_reason"] = _("Say why no action is needed.")
        if errors:
            raise ValidationError(errors)


class ClimateDetermination(models.Model):
    """The decision, made at each context review, whether climate change is a relevant
    issue for the ISMS, with its reasoning; approved together with the scope version it
    is attached to."""

    scope_version = models.ForeignKey(
        "isms.ScopeVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="climate_determinations",
    )
    relevant = models.BooleanField(_("climate change is relevant"))
    reasoning = models.TextField(_("reasoning"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        verdict = _("relevant") if self.relevant else _("not relevant")
        return f"{_('Climate change')}: {verdict} ({self.decided_on})"

    @property
    def approved(self) -> bool:
        """Approved when the scope version it goes with is approved."""
        return self.scope_version is not None and self.scope_version.approval_state == "approved"


class InterestedParty(Reviewable):
    """A party with an interest in the ISMS (4.2): a customer, a regulator, a supplier
    such as AWS, staff, shareholders."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[validate_single_line]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PartyKind.choices)
    description = models.TextField(_("description"), blank=True)
    scope_versions = models.ManyToManyField(
        "isms.ScopeVersion", blank=True, related_name="interested_party_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "interested parties"

    def __str__(self):
        return self.name


class Requirement(models.Model):
    """A relevant requirement of an interested party (legal, regulatory, contractual,
    climate-related) and how the ISMS addresses it. Legal and contractual ones feed
    Annex A 5.31."""

    party = models.ForeignKey(
        InterestedParty, on_delete=models.CASCADE, related_name="requirements"
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    kind = models.CharField(_("kind"), max_length=12, choices=RequirementKind.choices)
    description = models.TextField(_("description"), blank=True)
    addressed = models.BooleanField(_("addressed by the ISMS"), default=True)
    how_addressed = models.TextField(
        _("how it is addressed"), blank=True, help_text=_("Or, if not addressed, why not.")
    )
    controls = models.ManyToManyField("isms.Control", blank=True, related_name="+")
    policies = models.ManyToManyField("isms.Policy", blank=True, related_name="+")
    objectives = models.ManyToManyField("Objective", blank=True, related_name="requirements")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["party__name", "title"]

    def __str__(self):
        return f"{self.party}: {self.title}"


class PartyFeedback(models.Model):
    """Feedback received from an interested party (a complaint, a compliment, a request,
    a remark from a customer's audit or assessment), what was done about it and whether
    it is closed: an input of the management review (9.3.2 e)."""

    party = models.ForeignKey(
        InterestedParty,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("interested party"),
    )
    received_on = models.DateField(_("received on"))
    kind = models.CharField(_("kind"), max_length=12, choices=FeedbackKind.choices)
    summary = models.TextField(_("summary"))
    response = models.TextField(
        _("response or action taken"),
        blank=True,
        help_text=_("What was answered or done; required to close the feedback."),
    )
    closed = models.BooleanField(_("closed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("feedback from an interested party")
        verbose_name_plural = _("feedback from interested parties")

    def __str__(self):
        return f"{self.party}: {self.get_kind_display()} ({self.received_on})"

    def clean(self):
        """Feedback is closed only once the response or action taken is recorded."""
        if self.closed and not self.response.strip():
            raise ValidationError(
                {"response": _("Record the response or action taken before closing feedback.")}
            )


class Objective(Reviewable):
    """An information security objective (6.2): what will be done, with which resources,
    by whom and when, how results are evaluated, and the measure that shows progress."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    policy = models.ForeignKey(
        "isms.Policy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The policy the objective is consistent with."),
    )
    plan = models.TextField(_("what will be done"))
    resources = models.TextField(_("resources"), blank=True)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    evaluation_method = models.TextField(_("how results are evaluated"))
    measure = models.ForeignKey(
        "Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ObjectiveStatus.choices, default=ObjectiveStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"OBJ-{self.number:02d}"


class Measure(models.Model):
    """A measure of the ISMS (9.1): what is measured, how, how often, who measures and
    who analyses, and the target. Computed measures take their value from a registered
    provider (`isms.context.measures.providers`); recorded ones from a person."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("what is measured"))
    method = models.TextField(_("method"))
    kind = models.CharField(_("kind"), max_length=10, choices=MeasureKind.choices)
    provider = models.CharField(
        _("provider"),
        max_length=60,
        blank=True,
        help_text=_("For computed measures: the key of the registered computation."),
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. %, days"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    direction = models.CharField(
        _("target direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    measured_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    analysed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.reference} {self.name}"

    @property
    def reference(self) -> str:
        return f"M-{self.number:03d}"

    def clean(self):
        """A computed measure names a registered computation."""
        from isms.context import measures

        if self.kind == MeasureKind.COMPUTED and self.provider not in measures.providers:
            choices = ", ".join(sorted(measures.providers.keys()))
            raise ValidationError({"provider": _("Choose one of: %s.") % choices})

    def meets(self, value) -> bool:
        """Whether `value` meets the target."""
        if self.direction == Direction.AT_MOST:
            return value <= self.target
        return value >= self.target


class Measurement(models.Model):
    """One value of a measure for one period (its time series); one per period, so
    taking the measure twice in a period keeps one value."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="measurements")
    period = models.CharField(_("period"), max_length=10, help_text=_("e.g. 2026-11, 2026-Q4"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="measurement_one_per_period")
        ]

    def __str__(self):
        return f"{self.measure.reference} {self.period}: {self.value}"


class ScopePartiesSnapshot(models.Model):
    """The interested parties (and their requirements) of a scope version as they were
    when it was submitted for approval: the text that was hashed, kept so that the
    approved version keeps showing, and hashing, what was approved."""

    scope_version = models.OneToOneField(
        "isms.ScopeVersion", on_delete=models.CASCADE, related_name="parties_snapshot"
    )
    text = models.TextField()
    taken_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.scope_version}: interested parties"
