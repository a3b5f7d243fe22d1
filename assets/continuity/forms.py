"""Forms of the BIA and continuity pages: validation only; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assets.choices import AssetClass
from assets.continuity.models import ContinuityExercise, ContinuityPlan, RecoveryObjective
from assets.models import Asset


class RecoveryObjectiveForm(forms.ModelForm):
    impact_over_time = forms.CharField(
        label=_("Impact over time"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('One line per step: minutes, then the impact, e.g. "240 Orders lost".'),
    )

    class Meta:
        model = RecoveryObjective
        fields = [
            "mtd_minutes",
            "rto_minutes",
            "rpo_minutes",
            "impact_over_time",
            "achievable_rto_minutes",
            "achievable_rpo_minutes",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.impact_over_time and not self.is_bound:
            self.initial["impact_over_time"] = "\n".join(
                f"{step['after_minutes']} {step['impact']}"
                for step in self.instance.impact_over_time
            )

    def clean_impact_over_time(self):
        steps = []
        for number, line in enumerate(self.cleaned_data["impact_over_time"].splitlines(), 1):
            if not line.strip():
                continue
            minutes, _sep, impact = line.strip().partition(" ")
            if not minutes.isdigit() or not impact.strip():
                raise forms.ValidationError(
                    _("Line %(n)s: whole minutes, a space, then the impact.") % {"n": number}
                )
            steps.append({"after_minutes": int(minutes), "impact": impact.strip()})
        return steps

    def _post_clean(self):  # the service validates the model (RTO <= MTD): not twice
        pass


class ContinuityPlanForm(forms.ModelForm):
    processes = forms.ModelMultipleChoiceField(
        queryset=Asset.objects.filter(asset_class=AssetClass.ESSENTIAL),
        required=False,
        label=_("Processes covered"),
    )

    class Meta:
        model = ContinuityPlan
        fields = ["title", "processes", "strategy", "content", "status", "test_interval_days"]

    def _post_clean(self):
        pass


class ContinuityExerciseForm(forms.ModelForm):
    class Meta:
        model = ContinuityExercise
        fields = [
            "held_on",
            "kind",
            "scenario",
            "achieved_rto_minutes",
            "achieved_rpo_minutes",
            "result",
            "observations",
        ]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
