"""Forms of frameworks, controls and the SoA: validation of input only; the rules
(exclusion needs a justification, who may approve) are the services'."""

from django import forms

from isms import ownership
from isms.frameworks.catalogue import CatalogueError, parse_catalogue, parse_mapping
from isms.frameworks.services import IMPLEMENTATION_FIELDS
from isms.models import ControlImplementation, Evidence, Framework, User
from isms.models.soa import ImplementationStatus, InclusionReason
from isms.validators import validate_single_line

APPLICABLE_CHOICES = (("", "Not decided yet"), ("yes", "Applicable"), ("no", "Not applicable"))
MAX_CATALOGUE_BYTES = 5 * 1024 * 1024


class StackedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes as Bootstrap form-checks: one per line, the label beside its box."""

    template_name = "forms/widgets/choices.html"
    option_template_name = "django/forms/widgets/input.html"


class StackedRadios(forms.RadioSelect):
    """Radio buttons as Bootstrap form-checks: one per line, the label beside its button."""

    template_name = "forms/widgets/choices.html"
    option_template_name = "django/forms/widgets/input.html"


def _to_applicable(value):
    return {"yes": True, "no": False}.get(value)


class FrameworkSelectionForm(forms.Form):
    selected = forms.ModelMultipleChoiceField(
        queryset=Framework.objects.all(),
        required=False,
        widget=StackedCheckboxes,
        label="Frameworks this ISMS uses",
    )
    soa_basis = forms.ModelChoiceField(
        queryset=Framework.objects.all(),
        required=False,
        widget=StackedRadios,
        empty_label=None,
        label="Framework the SoA is built on",
        help_text="Usually ISO/IEC 27001:2022 Annex A. It must be one of the selected.",
    )


class CatalogueImportForm(forms.Form):
    """A catalogue (own JSON/YAML or OSCAL JSON) or a mapping file, parsed and checked."""

    KIND_CHOICES = (("catalogue", "Control catalogue"), ("mapping", "Mapping between frameworks"))
    kind = forms.ChoiceField(choices=KIND_CHOICES, initial="catalogue", label="File contains")
    file = forms.FileField(
        help_text="isms-catalogue/1 (JSON or YAML), OSCAL catalog JSON, or isms-mapping/1."
    )
    code = forms.CharField(
        required=False, max_length=60, help_text="Optional: the framework code to use (OSCAL)."
    )
    name = forms.CharField(
        required=False,
        max_length=200,
        validators=[validate_single_line],
        help_text="Optional: display name.",
    )
    version = forms.CharField(
        required=False, max_length=50, help_text="Optional: the framework's version."
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_CATALOGUE_BYTES:
            self.add_error("file", "File too large: at most 5 MB.")
            return data
        raw = upload.read()
        try:
            if data.get("kind") == "mapping":
                data["parsed"] = parse_mapping(raw, upload.name)
            else:
                data["parsed"] = parse_catalogue(
                    raw,
                    upload.name,
                    code=data.get("code", ""),
                    name=data.get("name", ""),
                    version=data.get("version", ""),
                )
        except CatalogueError as exc:
            for problem in exc.problems:
                self.add_error("file", problem)
        return data


class ControlImplementationForm(forms.ModelForm):
    applicable = forms.TypedChoiceField(
        choices=APPLICABLE_CHOICES,
        coerce=_to_applicable,
        empty_value=None,
        required=False,
        label="Applicability",
    )
    reasons = forms.MultipleChoiceField(
        choices=InclusionReason.choices,
        widget=StackedCheckboxes,
        required=False,
        label="Reasons for inclusion",
        help_text="When applicable: why the control is in the SoA (several allowed).",
    )
    target_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = ControlImplementation
        fields = list(IMPLEMENTATION_FIELDS)
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "evidence_text": forms.Textarea(attrs={"rows": 3}),
            "implemented_rationale": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        if not ownership.may_transfer(user, self.instance):
            # A disabled field keeps the stored owner whatever is posted.
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = ownership.REFUSED
        if self.instance.pk:
            self.initial["applicable"] = {True: "yes", False: "no"}.get(
                self.instance.applicable, ""
            )


class EvidenceForm(forms.ModelForm):
    url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Link",
        help_text="A link, or upload a file below (one of the two).",
    )

    class Meta:
        model = Evidence
        fields = ["title", "url", "file", "kind", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "valid_until": "Empty: by the control's evidence validity, else by the kind.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False  # default: other


UNCHANGED = "__unchanged__"


class BulkEditForm(forms.Form):
    """The same decision for several controls of a theme; fields left on "leave
    unchanged" are not touched."""

    implementations = forms.ModelMultipleChoiceField(
        queryset=ControlImplementation.objects.none(),
        widget=StackedCheckboxes,
        label="Controls",
    )
    applicable = forms.ChoiceField(
        choices=((UNCHANGED, "Leave unchanged"), *APPLICABLE_CHOICES[1:]), initial=UNCHANGED
    )
    reasons = forms.MultipleChoiceField(
        choices=InclusionReason.choices,
        widget=StackedCheckboxes,
        required=False,
        label="Reasons for inclusion",
        help_text="Ticked reasons replace the controls' reasons; none ticked leaves them.",
    )
    justification = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Justification for exclusion",
        help_text="Replaces the justification when not empty.",
    )
    status = forms.ChoiceField(
        choices=((UNCHANGED, "Leave unchanged"), *ImplementationStatus.choices), initial=UNCHANGED
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label="Leave unchanged",
    )
    target_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Replaces the target date when given.",
    )

    def __init__(self, *args, implementations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementations"].queryset = implementations

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {}
        if data["applicable"] != UNCHANGED:
            changes["applicable"] = _to_applicable(data["applicable"])
        if data["reasons"]:
            changes["reasons"] = data["reasons"]
        if data["justification"].strip():
            changes["justification"] = data["justification"].strip()
        if data["status"] != UNCHANGED:
            changes["status"] = data["status"]
        if data["owner"] is not None:
            changes["owner"] = data["owner"]
        if data["target_date"] is not None:
            changes["target_date"] = data["target_date"]
        return changes

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError("Choose at least one change to apply.")
        return data


class SoADecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=(("approve", "Approve"), ("reject", "Reject")))
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to reject.",
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Confirm the decision with your password.",
    )


class SoASubmitForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
