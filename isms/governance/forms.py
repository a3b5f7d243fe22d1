"""Forms of governance: validation only; the services hold the rules."""

from django import forms
from django.contrib.auth import get_user_model

from isms.models import Policy, PolicyVersion, ScopeVersion
from isms.models.approvals import Decision


class ScopeVersionForm(forms.ModelForm):
    """A scope version; exclusions are typed one per line as `item | justification`."""

    exclusions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One exclusion per line: <code>what is excluded | why</code>. "
        "Every exclusion needs a justification.",
    )

    class Meta:
        model = ScopeVersion
        fields = [
            "description",
            "boundaries",
            "business_units",
            "locations",
            "processes",
            "essential_assets",
            "aws_accounts",
            "aws_regions",
            "exclusions",
            "dependencies",
            "change_summary",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in fields
            if name not in ("exclusions", "change_summary")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["exclusions"] = "\n".join(
                f"{row.get('item', '')} | {row.get('justification', '')}"
                for row in self.instance.exclusions
            )

    def clean_exclusions(self):
        rows, errors = [], []
        for number, line in enumerate(self.cleaned_data["exclusions"].splitlines(), start=1):
            if not line.strip():
                continue
            item, _, justification = line.partition("|")
            if not item.strip() or not justification.strip():
                errors.append(f"Line {number}: give what is excluded and why, as “item | why”.")
                continue
            rows.append({"item": item.strip(), "justification": justification.strip()})
        if errors:
            raise forms.ValidationError(errors)
        return rows


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["reference", "title", "kind", "owner", "classification", "review_interval_months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["review_interval_months"].min_value = 1
        self.fields["review_interval_months"].widget.attrs["min"] = 1

    def clean_review_interval_months(self):
        value = self.cleaned_data["review_interval_months"]
        if not 1 <= value <= 60:
            raise forms.ValidationError("Between 1 and 60 months.")
        return value


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["body", "change_summary"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "class": "font-monospace"})}


class SubmitForm(forms.Form):
    comment = forms.CharField(
        required=False,
        label="Note for the approvers",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    """An approver's decision, confirmed with their password (re-authentication)."""

    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVE, "Approve"),
            (Decision.REJECT, "Reject"),
            (Decision.REQUEST_CHANGES, "Request changes"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you reject or request changes.",
    )
    password = forms.CharField(
        label="Your password",
        required=False,  # a fresh SSO re-authentication may confirm instead (isms.reauth)
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Confirm your decision with your password.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") in (Decision.REJECT, Decision.REQUEST_CHANGES)
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", "Say why you reject or send it back.")
        return cleaned
