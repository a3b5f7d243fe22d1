"""Forms of the context pages: field validation only. The services (`record_save`,
`requirement_save`, `climate_determine`, `measurement_record`) hold the rules and put
their errors back on the fields through `isms.forms.call_service`."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from isms.context import measures
from isms.context.choices import MeasureKind
from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    InterestedParty,
    Measure,
    Objective,
    PartyFeedback,
    Requirement,
)
from isms.models import Control, Policy, ScopeVersion
from isms.models.approvals import EDITABLE_STATES
from isms.widgets import Picker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _active_users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class ServiceForm(forms.ModelForm):
    """A model form that leaves the model's validation to the service it feeds: the
    whole record is checked once, in the service's transaction."""

    def _post_clean(self):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)


class ContextIssueForm(ServiceForm):
    control = forms.ModelChoiceField(
        queryset=Control.objects.select_related("framework").order_by("framework", "identifier"),
        required=False,
        label=_("Control"),
    )

    class Meta:
        model = ContextIssue
        fields = [
            "title", "description", "origin", "category", "effect", "treatment",
            "risk_reference", "objective", "control", "no_action_reason",
            "review_interval_months",
        ]  # fmt: skip


class ClimateDeterminationForm(ServiceForm):
    scope_version = forms.ModelChoiceField(
        queryset=ScopeVersion.objects.filter(approval_state__in=EDITABLE_STATES).order_by(
            "-number"
        ),
        required=False,
        label=_("Scope version"),
        help_text=_("The draft scope version it is approved with."),
    )

    class Meta:
        model = ClimateDetermination
        fields = ["relevant", "reasoning", "decided_on", "scope_version"]
        widgets = {"decided_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].required = False
        self.fields["decided_on"].help_text = _("Default: today.")

    @property
    def service_data(self) -> dict:
        """The cleaned data, without an empty day (the service's default: today)."""
        data = dict(self.cleaned_data)
        if data.get("decided_on") is None:
            data.pop("decided_on", None)
        return data


class InterestedPartyForm(ServiceForm):
    class Meta:
        model = InterestedParty
        fields = ["name", "kind", "description", "review_interval_months"]


class RequirementForm(ServiceForm):
    controls = forms.ModelMultipleChoiceField(
        queryset=Control.objects.order_by("identifier"),
        required=False,
        widget=Picker,
        label=_("Controls"),
    )
    policies = forms.ModelMultipleChoiceField(
        queryset=Policy.objects.order_by("title"),
        required=False,
        widget=Picker,
        label=_("Policies"),
    )
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.order_by("number"),
        required=False,
        widget=Picker,
        label=_("Objectives"),
    )

    class Meta:
        model = Requirement
        fields = [
            "party", "title", "kind", "description", "addressed", "how_addressed",
            "controls", "policies", "objectives",
        ]  # fmt: skip


class PartyFeedbackForm(ServiceForm):
    class Meta:
        model = PartyFeedback
        fields = ["party", "received_on", "kind", "summary", "response", "closed"]
        widgets = {"received_on": DATE}


class ObjectiveForm(ServiceForm):
    owner = forms.ModelChoiceField(queryset=_active_users(), label=_("Owner"))
    policy = forms.ModelChoiceField(
        queryset=Policy.objects.order_by("title"), required=False, label=_("Policy")
    )

    class Meta:
        model = Objective
        fields = [
            "title", "policy", "plan", "resources", "owner", "due_date", "evaluation_method",
            "measure", "status", "review_interval_months",
        ]  # fmt: skip
        widgets = {"due_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_users()


class MeasureForm(ServiceForm):
    provider = forms.ChoiceField(
        choices=(),
        required=False,
        label=_("Provider"),
        help_text=_("For computed measures: the computation that takes the value."),
    )
    measured_by = forms.ModelChoiceField(
        queryset=_active_users(), required=False, label=_("Measured by")
    )
    analysed_by = forms.ModelChoiceField(
        queryset=_active_users(), required=False, label=_("Analysed by")
    )

    class Meta:
        model = Measure
        fields = [
            "name", "description", "method", "kind", "provider", "frequency", "unit", "target",
            "direction", "measured_by", "analysed_by",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "—")] + [
            (key, str(getattr(entry, "label", key)))
            for key, entry in sorted(measures.providers.items())
        ]
        for name in ("measured_by", "analysed_by"):
            self.fields[name].queryset = _active_users()


class MeasurementForm(forms.Form):
    """A value of a recorded measure, for the period containing `day`."""

    measure = forms.ModelChoiceField(
        queryset=Measure.objects.filter(kind=MeasureKind.RECORDED).order_by("number"),
        label=_("Measure"),
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    day = forms.DateField(
        required=False,
        widget=DATE,
        label=_("Day of the period"),
        help_text=_(
            "Any day of the period measured (default: today). A second value in "
            "the same period replaces the first."
        ),  # fmt: skip
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
