"""Forms of the control-assurance pages: validation of input only; the services hold the
rules (tester independence, evidence required by the method) and their errors come back
on the fields through `isms.forms.call_service`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from isms.assurance.models import ControlTest
from isms.choices import EvidenceKind
from isms.models import ControlImplementation, Evidence, User
from isms.widgets import Picker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ImplementationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        control = obj.control
        return f"{control.framework.code} {control.identifier} — {control.title}"


class ControlTestForm(forms.ModelForm):
    """Plan or change a control test (security managers)."""

    implementation = ImplementationChoice(
        queryset=ControlImplementation.objects.filter(
            control__withdrawn=False, control__framework__selected=True
        )
        .exclude(applicable=False)
        .select_related("control__framework")
        .order_by("control__framework__code", "control__sort_order"),
        label=_("Control"),
    )
    tester = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        label=_("Tester"),
        help_text=_("Not the control's owner: a test is independent of who runs the control."),
    )

    class Meta:
        model = ControlTest
        fields = [
            "implementation",
            "title",
            "procedure",
            "method",
            "sample_size",
            "frequency",
            "tester",
            "threshold",
            "next_due",
            "active",
        ]
        widgets = {"next_due": DATE, "procedure": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a test stays with its control
            del self.fields["implementation"]
        self.fields["next_due"].required = False
        self.fields["next_due"].help_text = _("Empty: today.")

    def _post_clean(self):  # the service validates the model
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("implementation", None)
        return data


class ResultForm(forms.Form):
    """Record the result of a test: the conclusion, the sample, evidence cited from the
    control's or a new link or file attached to the control through the evidence
    mechanism."""

    performed_on = forms.DateField(
        label=_("Tested on"), required=False, widget=DATE, help_text=_("Empty: today.")
    )
    tester = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        label=_("Tester"),
        help_text=_("Empty: you."),
    )
    sample = forms.CharField(
        label=_("Sample"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=())
    evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.none(),
        required=False,
        widget=Picker,
        label=_("Evidence of the control"),
    )
    evidence_title = forms.CharField(label=_("New evidence: title"), max_length=200, required=False)
    evidence_url = forms.URLField(
        label=_("New evidence: link"), max_length=500, required=False, assume_scheme="https"
    )
    evidence_file = forms.FileField(label=_("New evidence: file"), required=False)
    evidence_kind = forms.ChoiceField(
        label=_("New evidence: kind"),
        choices=EvidenceKind.choices,
        initial=EvidenceKind.OTHER,
        required=False,
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, test: ControlTest, manager: bool, **kwargs):
        from isms.assurance.choices import Conclusion

        super().__init__(*args, **kwargs)
        self.fields["conclusion"].choices = [("", "—"), *Conclusion.choices]
        self.fields["evidence"].queryset = Evidence.objects.filter(
            implementation=test.implementation
        ).order_by("-added_at")
        if not manager:  # a tester records as themselves
            del self.fields["tester"]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "performed_on": data["performed_on"],
            "tester": data.get("tester"),
            "sample": data["sample"],
            "conclusion": data["conclusion"],
            "evidence": list(data["evidence"]),
            "new_evidence": {
                "title": data["evidence_title"],
                "url": data["evidence_url"],
                "upload": data["evidence_file"],
                "kind": data["evidence_kind"],
            },
            "remarks": data["remarks"],
        }
