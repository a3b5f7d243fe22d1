"""Forms of the risks app: validation only. The rules (scales, acceptance, who may change
what) live in services; forms offer only the fields the user may change."""

import re

from django import forms
from django.core.exceptions import ValidationError

from assets.forms import asset_picker
from isms.frameworks.selectors import visible_controls
from isms.models import User
from isms.relations import limit_choices
from isms.widgets import Picker
from risks import scoring
from risks.choices import LEVEL_COLOURS, RiskStatus, TreatmentOption
from risks.models import Risk, Threat, TreatmentAction, Vulnerability
from risks.permissions import RISK_FIELDS, editable_fields

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def score_choices(scale: scoring.Scale | None, axis: str) -> list[tuple]:
    items = []
    if scale is not None:
        source = scale.likelihoods if axis == "likelihood" else scale.impacts
        items = [(item["value"], f"{item['value']} · {item['name']}") for item in source]
    return [("", "—"), *items]


class AssetRefsField(forms.CharField):
    """Assets by reference ("A-001, A-007"), chosen in a picker that searches the
    inventory as you type: scales to any inventory, unlike a select of every asset."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Type a reference or a name to find an asset.")
        kwargs.setdefault("widget", asset_picker())
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            return ", ".join(getattr(a, "ref", str(a)) for a in items)
        return value

    user = None  # set by the form: refs resolve among the assets this user may see

    def clean(self, value):
        from assets.models import Asset
        from assets.permissions import visible_assets
        from isms.relations import narrow

        value = super().clean(value)
        refs = [ref for ref in re.split(r"[\s,;]+", value or "") if ref]
        if not refs:
            if self.required:
                raise ValidationError("Choose at least one asset.")
            return []
        wanted = {ref.upper() for ref in refs} | set(refs)
        candidates = narrow(visible_assets, self.user, Asset.objects.filter(ref__in=wanted))
        found = {a.ref.upper(): a for a in candidates}
        unknown = [ref for ref in refs if ref.upper() not in found]
        if unknown:
            raise ValidationError(f"Unknown asset reference(s): {', '.join(unknown)}.")
        return list({a.pk: a for a in (found[r.upper()] for r in refs)}.values())


class RiskForm(forms.ModelForm):
    """Create or edit a risk; only the fields the user may change are offered."""

    assets = AssetRefsField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Risk
        # Findings are linked from the risk page or "Create risk from findings", not
        # picked from a select of every finding.
        fields = [name for name in RISK_FIELDS if name != "findings"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "treatment_justification": forms.Textarea(attrs={"rows": 3}),
            "review_date": DATE,
        }

    def __init__(self, *args, user, scale=None, **kwargs):
        super().__init__(*args, **kwargs)
        risk = self.instance if self.instance.pk else None
        allowed = set(editable_fields(user, risk))
        for name in list(self.fields):
            if name != "version" and name not in allowed:
                del self.fields[name]
        for name in ("inherent_likelihood", "residual_likelihood"):
            if name in self.fields:
                self.fields[name] = forms.TypedChoiceField(
                    label=self.fields[name].label,
                    choices=score_choices(scale, "likelihood"),
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
        for name in ("inherent_impact", "residual_impact"):
            if name in self.fields:
                self.fields[name] = forms.TypedChoiceField(
                    label=self.fields[name].label,
                    choices=score_choices(scale, "impact"),
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
        if "assets" in self.fields:
            self.fields["assets"].user = user
        if "owner" in self.fields:
            self.fields["owner"].queryset = User.objects.filter(is_active=True)
        if "threat" in self.fields:
            self.fields["threat"].queryset = Threat.objects.filter(is_active=True)
        if "vulnerability" in self.fields:
            self.fields["vulnerability"].queryset = Vulnerability.objects.filter(is_active=True)
        if "controls" in self.fields:
            self.fields["controls"].queryset = self.fields["controls"].queryset.select_related(
                "framework"
            )
            limit_choices(self, user, controls=visible_controls)
            self.fields["controls"].widget = Picker(choices=self.fields["controls"].choices)
        if risk is not None:
            self.fields["version"].initial = risk.version

    def changes(self) -> dict:
        """The cleaned values of the model fields, as the services take them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class InlineEditForm(forms.Form):
    """One cell of the register: field, value, and the version the user saw."""

    FIELDS = (
        "inherent_likelihood",
        "inherent_impact",
        "owner",
        "status",
        "treatment",
        "residual_likelihood",
        "residual_impact",
    )

    field = forms.ChoiceField(choices=[(f, f) for f in FIELDS])
    version = forms.IntegerField()
    value = forms.CharField(required=False)

    def __init__(self, *args, scale=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scale = scale

    def clean(self):
        data = super().clean()
        field, raw = data.get("field"), (data.get("value") or "").strip()
        if not field:
            return data
        if field.endswith(("_likelihood", "_impact")):
            if raw == "":
                data["parsed"] = None
            else:
                try:
                    data["parsed"] = int(raw)
                except ValueError:
                    raise ValidationError({"value": "Choose a score."}) from None
        elif field == "owner":
            data["parsed"] = User.objects.filter(pk=raw, is_active=True).first() if raw else None
            if raw and data["parsed"] is None:
                raise ValidationError({"value": "Unknown user."})
        elif field == "status":
            if raw not in RiskStatus.values:
                raise ValidationError({"value": "Choose a status."})
            data["parsed"] = raw
        elif field == "treatment":
            if raw and raw not in TreatmentOption.values:
                raise ValidationError({"value": "Choose a treatment option."})
            data["parsed"] = raw
        return data


class BulkEditForm(forms.Form):
    """The same change applied to the risks ticked in the register."""

    risks = forms.ModelMultipleChoiceField(
        queryset=Risk.objects.all(), widget=forms.MultipleHiddenInput
    )
    status = forms.ChoiceField(choices=[("", "(unchanged)"), *RiskStatus.choices], required=False)
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        to_field_name="username",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "user name"}),
        help_text="User name of the new owner.",
    )
    treatment = forms.ChoiceField(
        choices=[("", "(unchanged)"), *TreatmentOption.choices], required=False
    )
    review_date = forms.DateField(required=False, widget=DATE)

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("status", "owner", "treatment", "review_date")
            if self.cleaned_data.get(name) not in (None, "")
        }

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise ValidationError("Choose at least one change to apply.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV (UTF-8) or XLSX, with a header row. Nothing is imported unless every "
        "row is valid."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError("The file is larger than 10 MB.")
        return upload


class AcceptanceRequestForm(forms.Form):
    expires_on = forms.DateField(label="Accepted until", widget=DATE)
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class TreatmentActionForm(forms.ModelForm):
    class Meta:
        model = TreatmentAction
        fields = ["title", "owner", "due_date", "status"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)


class ThreatForm(forms.ModelForm):
    class Meta:
        model = Threat
        fields = ["name", "category", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class VulnerabilityForm(forms.ModelForm):
    class Meta:
        model = Vulnerability
        fields = ["name", "category", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class NewVersionForm(forms.Form):
    preset = forms.ChoiceField(
        choices=[
            ("", "Copy of the active version"),
            *[(k, v[0]) for k, v in scoring.PRESETS.items()],
        ],
        required=False,
        label="Start from",
    )
    change_note = forms.CharField(required=False, label="What changes and why")


class SubmitForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MethodologyForm(forms.Form):
    """The content of a draft version, one field per scale item, level and matrix cell.

    The sizes come from the draft (start from another preset to change them)."""

    acceptance_criteria = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    change_note = forms.CharField(required=False, label="What changes and why")

    def __init__(self, *args, content: dict, change_note: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.content = content
        self.fields["acceptance_criteria"].initial = content.get("acceptance_criteria", "")
        self.fields["change_note"].initial = change_note
        for axis, factor, label in (
            ("likelihood", "aro", "annual rate of occurrence"),
            ("impact", "exposure_factor", "exposure factor (0-1)"),
        ):
            for item in content[axis]:
                v = item["value"]
                self.fields[f"{axis}_{v}_name"] = forms.CharField(
                    label=f"{axis.capitalize()} {v}: name", initial=item["name"]
                )
                self.fields[f"{axis}_{v}_description"] = forms.CharField(
                    label=f"{axis.capitalize()} {v}: description",
                    initial=item.get("description", ""),
                    required=False,
                )
                self.fields[f"{axis}_{v}_{factor}"] = forms.DecimalField(
                    label=f"{axis.capitalize()} {v}: {label}",
                    initial=item[factor],
                    min_value=0,
                    max_value=1 if factor == "exposure_factor" else None,
                    decimal_places=4,
                )
                if axis == "impact":
                    self.fields[f"impact_{v}_min_usd"] = forms.DecimalField(
                        label=f"Impact {v}: $ band, value at stake from",
                        initial=item.get("min_usd"),
                        min_value=0,
                        decimal_places=2,
                        required=False,
                        help_text="Optional: give a band on every impact level to define "
                        "the impact scale by $ of value at stake (the first from 0).",
                    )
        level_choices = [("", "—")] + [(lv["key"], lv["name"]) for lv in content["levels"]]
        for index, level in enumerate(content["levels"], start=1):
            self.fields[f"level_{index}_name"] = forms.CharField(
                label=f"Level {index}: name", initial=level["name"]
            )
            self.fields[f"level_{index}_colour"] = forms.ChoiceField(
                label=f"Level {index}: colour", choices=LEVEL_COLOURS, initial=level["colour"]
            )
            self.fields[f"level_{index}_needs_acceptance"] = forms.BooleanField(
                label=f"Level {index}: residual risk needs management acceptance",
                initial=level["needs_acceptance"],
                required=False,
            )
        for li in range(1, len(content["likelihood"]) + 1):
            for im in range(1, len(content["impact"]) + 1):
                self.fields[f"cell_{li}_{im}"] = forms.ChoiceField(
                    label=f"Likelihood {li} x impact {im}",
                    choices=level_choices,
                    initial=content["matrix"].get(scoring.cell_key(li, im), ""),
                    required=False,
                )

    def axis_rows(self, axis: str):
        factor = "aro" if axis == "likelihood" else "exposure_factor"
        return [
            (
                self[f"{axis}_{item['value']}_name"],
                self[f"{axis}_{item['value']}_description"],
                self[f"{axis}_{item['value']}_{factor}"],
            )
            for item in self.content[axis]
        ]

    def level_rows(self):
        return [
            (
                self[f"level_{i}_name"],
                self[f"level_{i}_colour"],
                self[f"level_{i}_needs_acceptance"],
            )
            for i in range(1, len(self.content["levels"]) + 1)
        ]

    def matrix_rows(self):
        """Rows from the highest likelihood down, as the matrix is drawn."""
        impacts = range(1, len(self.content["impact"]) + 1)
        return [
            (li, [self[f"cell_{li}_{im}"] for im in impacts])
            for li in range(len(self.content["likelihood"]), 0, -1)
        ]

    def to_content(self) -> dict:
        data = self.cleaned_data
        content = {"likelihood": [], "impact": [], "levels": [], "matrix": {}}
        for axis, factor in (("likelihood", "aro"), ("impact", "exposure_factor")):
            for item in self.content[axis]:
                v = item["value"]
                content[axis].append(
                    {
                        "value": v,
                        "name": data[f"{axis}_{v}_name"].strip(),
                        "description": data[f"{axis}_{v}_description"].strip(),
                        factor: str(data[f"{axis}_{v}_{factor}"].normalize()),
                    }
                )
                band = data.get(f"{axis}_{v}_min_usd") if axis == "impact" else None
                if band is not None:
                    content[axis][-1]["min_usd"] = format(band.normalize(), "f")
        for index, level in enumerate(self.content["levels"], start=1):
            content["levels"].append(
                {
                    "key": level["key"],
                    "name": data[f"level_{index}_name"].strip(),
                    "colour": data[f"level_{index}_colour"],
                    "needs_acceptance": data[f"level_{index}_needs_acceptance"],
                }
            )
        for li in range(1, len(self.content["likelihood"]) + 1):
            for im in range(1, len(self.content["impact"]) + 1):
                value = data.get(f"cell_{li}_{im}")
                if value:
                    content["matrix"][scoring.cell_key(li, im)] = value
        content["acceptance_criteria"] = data["acceptance_criteria"].strip()
        return content

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        errors = scoring.validate_content(self.to_content())
        for field, messages in errors.items():
            if field == "matrix":
                for li in range(1, len(self.content["likelihood"]) + 1):
                    for im in range(1, len(self.content["impact"]) + 1):
                        if not data.get(f"cell_{li}_{im}"):
                            self.add_error(f"cell_{li}_{im}", "Choose a risk level for this cell.")
                self.add_error(None, messages)
            elif field in self.fields:
                self.add_error(field, messages)
            else:
                self.add_error(None, messages)
        return data
