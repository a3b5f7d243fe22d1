"""Forms of the nonconformity pages: validation only; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from isms.audits.models.nonconformities import (
    MAX_WHYS,
    ActionStatus,
    CorrectiveAction,
    EffectivenessResult,
    Nonconformity,
)
from isms.models import Control, User
from isms.widgets import Picker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ControlChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework.code} {obj.identifier} {obj.title}"


class NonconformityForm(forms.ModelForm):
    """Record or edit a nonconformity or an opportunity for improvement; the 5 whys
    are five optional lines."""

    requirement = ControlChoiceField(
        queryset=Control.objects.select_related("framework").filter(withdrawn=False),
        required=False,
        label=_("Requirement not met (clause or control)"),
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        label=_("Owner"),
    )
    similar = forms.ModelMultipleChoiceField(
        queryset=Nonconformity.objects.order_by("kind", "number"),
        required=False,
        widget=Picker,
        label=_("Similar nonconformities"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Nonconformity
        fields = [
            "kind", "title", "description", "origin", "severity", "requirement",
            "requirement_ref", "owner", "detected_on", "due_on", "containment", "root_cause",
            "similar",
        ]  # fmt: skip
        widgets = {
            "detected_on": DATE,
            "due_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "containment": forms.Textarea(attrs={"rows": 3}),
            "root_cause": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        whys = list(self.instance.root_cause_whys or []) if self.instance.pk else []
        for i in range(MAX_WHYS):
            self.fields[f"why_{i + 1}"] = forms.CharField(
                required=False,
                max_length=500,
                label=_("Why? (%(n)s)") % {"n": i + 1},
                initial=whys[i] if i < len(whys) else "",
            )
        if self.instance.pk:
            self.fields.pop("kind")
            self.fields["similar"].queryset = Nonconformity.objects.exclude(
                pk=self.instance.pk
            ).order_by("kind", "number")
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):  # the service validates the model
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["root_cause_whys"] = [data.pop(f"why_{i + 1}", "") for i in range(MAX_WHYS)]
        data.pop("version", None)
        return data


class ActionForm(forms.ModelForm):
    """Plan a corrective action."""

    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"), label=_("Owner")
    )

    class Meta:
        model = CorrectiveAction
        fields = ["title", "description", "owner", "due_on"]
        widgets = {"due_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class ActionProgressForm(forms.Form):
    """Record the progress of an action."""

    status = forms.ChoiceField(choices=ActionStatus.choices, label=_("Status"))
    done_on = forms.DateField(required=False, widget=DATE, label=_("Done on"))


class EffectivenessForm(forms.Form):
    """Record the effectiveness check."""

    result = forms.ChoiceField(choices=EffectivenessResult.choices, label=_("Result"))
    checked_on = forms.DateField(required=False, widget=DATE, label=_("Checked on"))
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("What was checked"), required=False
    )


class CloseForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Closure comment")
    )
