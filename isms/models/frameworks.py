"""Frameworks and their controls (ISMS step 7): the catalogues an ISMS chooses from.

A framework (ISO/IEC 27001:2022 Annex A, NIST CSF 2.0, an imported OSCAL catalogue) is
loaded from a data file by `isms.frameworks.services.framework_import`. Controls are
keyed by their identifier inside the framework, so a newer version of the same file
updates them in place; a control that disappears is marked withdrawn, never deleted,
because the organisation's implementation and past SoAs still refer to it.
"""

from django.core.validators import RegexValidator
from django.db import models

from isms.choices import FrameworkSource
from isms.validators import validate_single_line

CODE_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,59}$"


class Framework(models.Model):
    """A control catalogue the organisation may use; `selected` ones make up its ISMS,
    and exactly one of them (`soa_basis`) is the framework its SoA is built on."""

    code = models.CharField(
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(CODE_PATTERN, "Lower-case letters, digits, dots, dashes, underscores.")
        ],
        help_text="Stable key, e.g. iso27001-2022",
    )
    name = models.CharField(max_length=200, validators=[validate_single_line])
    version = models.CharField(max_length=50, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    source_format = models.CharField(
        max_length=20, choices=FrameworkSource.choices, default=FrameworkSource.CATALOGUE
    )
    selected = models.BooleanField(
        default=False, help_text="Used by this ISMS: its controls get an implementation record."
    )
    soa_basis = models.BooleanField(
        "SoA basis", default=False, help_text="The framework the Statement of Applicability lists."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["soa_basis"],
                condition=models.Q(soa_basis=True),
                name="isms_framework_one_soa_basis",
            ),
            models.CheckConstraint(
                condition=models.Q(soa_basis=False) | models.Q(selected=True),
                name="isms_framework_soa_basis_is_selected",
            ),
        ]

    def __str__(self):
        return self.name


class ControlGroup(models.Model):
    """A heading that groups controls: an ISO theme (5 Organizational controls), a CSF
    function (GV) or category (GV.OC), an OSCAL group. Groups nest through `parent`."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="groups")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    identifier = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    theme = models.CharField(max_length=60, blank=True, help_text="Top-level theme (slug).")
    sort_order = models.PositiveIntegerField(default=0)
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["framework", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="isms_controlgroup_unique_identifier"
            )
        ]

    def __str__(self):
        return f"{self.identifier} {self.title}"


class Control(models.Model):
    """One control of a framework (ISO 5.1, CSF GV.OC-01, an OSCAL control): the unit that
    the organisation decides on, implements and lists in its Statement of Applicability."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="controls")
    group = models.ForeignKey(
        ControlGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="controls"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="enhancements"
    )
    identifier = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    examples = models.JSONField(default=list, blank=True, help_text="Implementation examples.")
    kind = models.CharField(max_length=40, blank=True, help_text="OSCAL class, if any.")
    theme = models.CharField(max_length=60, blank=True, db_index=True)
    sort_order = models.PositiveIntegerField(default=0)
    withdrawn = models.BooleanField(default=False, db_index=True)
    withdrawn_note = models.CharField(max_length=300, blank=True)
    mapped_to = models.ManyToManyField(
        "self",
        through="ControlMapping",
        symmetrical=False,
        related_name="mapped_from",
        blank=True,
    )

    class Meta:
        ordering = ["framework", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="isms_control_unique_identifier"
            )
        ]

    def __str__(self):
        return f"{self.identifier} {self.title}" if self.title != self.identifier else self.title

    @property
    def theme_label(self) -> str:
        return self.theme.replace("-", " ").capitalize()


class ControlMapping(models.Model):
    """An informative link from a control of one framework to a control of another
    (e.g. ISO 5.1 -> CSF GV.PO-01), imported from an `isms-mapping/1` file."""

    source = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="mappings_out")
    target = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="mappings_in")
    relationship = models.CharField(max_length=40, default="related")

    class Meta:
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="isms_controlmapping_unique")
        ]

    def __str__(self):
        return f"{self.source.identifier} -> {self.target.identifier}"
