"""Control tests and their results.

A `ControlTest` is the plan for checking that one control implementation works: what is
tested, the method, the sample size, how often, by whom. When it falls due, the beat task
opens a `ControlTestResult` (status open); the tester concludes it with the date, sample,
conclusion, evidence and remarks. Automated tests conclude themselves from the checks'
latest evaluation; every evaluation is kept as a result, so the history stays.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isms.assurance.choices import Conclusion, ControlTestFrequency, ControlTestMethod, ResultStatus
from isms.models import ControlImplementation, Evidence
from isms.validators import validate_single_line


class ControlTest(models.Model):
    """A planned, recurring test of one control implementation."""

    implementation = models.ForeignKey(
        ControlImplementation, on_delete=models.CASCADE, related_name="tests"
    )
    title = models.CharField(_("what is tested"), max_length=200, validators=[validate_single_line])
    procedure = models.TextField(_("procedure"), blank=True)
    method = models.CharField(_("method"), max_length=20, choices=ControlTestMethod.choices)
    sample_size = models.PositiveIntegerField(_("sample size"), default=1)
    frequency = models.PositiveSmallIntegerField(
        _("frequency"), choices=ControlTestFrequency.choices, default=ControlTestFrequency.YEARLY
    )
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="control_tests",
        verbose_name=_("tester"),
    )
    threshold = models.PositiveSmallIntegerField(
        _("pass threshold (%)"),
        default=100,
        help_text=_("Automated tests: the share of passing resources for 'effective'."),
    )
    next_due = models.DateField(_("next due"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__lte=100), name="control_test_threshold_percent"
            )
        ]

    def __str__(self):
        return f"{self.implementation.control.identifier}: {self.title}"


class ControlTestResult(models.Model):
    """One performance of a control test: opened when due, concluded by the tester (or by
    the checks' evaluation for automated tests)."""

    test = models.ForeignKey(ControlTest, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(
        max_length=10, choices=ResultStatus.choices, default=ResultStatus.OPEN
    )
    due_date = models.DateField(_("due"))
    performed_on = models.DateField(_("tested on"), null=True, blank=True)
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tester"),
    )
    sample = models.TextField(_("sample"), blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=20, choices=Conclusion.choices, blank=True
    )
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="test_results")
    remarks = models.TextField(_("remarks"), blank=True)
    passed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    failed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_date", "-pk"]
        constraints = [
            # At most one open instance per test: opening due tests is idempotent.
            models.UniqueConstraint(
                fields=["test"],
                condition=models.Q(status="open"),
                name="control_test_one_open_result",
            )
        ]

    def __str__(self):
        return f"{self.test} ({self.due_date})"

    @property
    def pass_rate(self) -> float | None:
        if self.passed is None or self.failed is None or not (self.passed + self.failed):
            return None
        return round(100 * self.passed / (self.passed + self.failed), 1)
