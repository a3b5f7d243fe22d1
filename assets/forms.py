"""Forms of the asset inventory: validation only; the views hand cleaned data to the
services. Each field of the asset form validates inline through htmx (see
views.asset_validate)."""

import json
import re

from django import forms
from django.urls import reverse, reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from assets import graph
from assets.choices import AssetClass, categories_of
from assets.models import Asset, AwsService
from assets.permissions import hidden_dependencies, visible_assets
from isms import ownership
from isms.models import User
from isms.relations import limit_choices
from isms.widgets import Picker


def asset_picker() -> Picker:
    """The searchable picker of assets by reference (isms.widgets.Picker), for fields
    that take refs: typing searches the asset API by reference or name."""
    return Picker(
        search_url=format_lazy("{}?limit=20&q=", reverse_lazy("asset-list")),
        value_field="ref",
        label_fields=("ref", "name"),
        as_text=True,
    )


def assets_by_ref(user, refs: list[str], *, iexact: bool = False) -> tuple[dict, list[str]]:
    """({ref: asset}, unknown refs) among the assets `user` may see: another owner's
    asset is "unknown" exactly like a ref that exists nowhere."""
    visible = visible_assets(user)
    if iexact:
        found = {r: visible.filter(ref__iexact=r).first() for r in refs}
        assets = {r: a for r, a in found.items() if a is not None}
    else:
        assets = {a.ref: a for a in visible.filter(ref__in=refs)}
    return assets, [r for r in refs if r not in assets]


def dependency_problem(user, asset: Asset, chosen) -> str | None:
    """Why `asset` cannot depend on `chosen` (itself, or a loop), naming only the assets
    `user` may see; None when it can. The services check again, under their lock."""
    if asset.pk is None:
        return None
    for dependency in chosen:
        if dependency.pk == asset.pk:
            return "An asset cannot depend on itself."
        path = graph.find_path(dependency.pk, asset.pk)
        if path:
            path = [asset.pk, *path]
            names = dict(
                visible_assets(user, Asset.objects.filter(pk__in=path)).values_list("pk", "ref")
            )
            loop = " → ".join(names.get(pk, "(an asset you cannot see)") for pk in path)
            return f"This dependency would create a loop: {loop}."
    return None


def _refs(text: str) -> list[str]:
    return [r for r in re.split(r"[\s,;]+", text or "") if r]


class AwsServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_layer_display().split()[0].lower()})"


class AssetForm(forms.ModelForm):
    """Create or edit an asset. Dependencies are typed as refs ("A-004, A-007") so the
    form works the same with ten assets or a hundred thousand."""

    ref = forms.CharField(
        label=_("Reference"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to get the next free A-nnn reference."),
    )
    tags = forms.CharField(
        required=False, help_text=_("Comma-separated labels, e.g. pci, customer-facing.")
    )
    depends_on = forms.CharField(
        label=_("Depends on"),
        required=False,
        help_text=_("Type a reference or a name to find the assets this one needs."),
        widget=asset_picker(),
    )
    aws_services = AwsServiceChoiceField(
        label=_("AWS services"),
        queryset=AwsService.objects.all(),
        required=False,
        widget=Picker,
    )

    class Meta:
        model = Asset
        fields = [
            "ref",
            "name",
            "asset_class",
            "category",
            "description",
            "value_usd",
            "owner",
            "confidentiality",
            "integrity",
            "availability",
            "business_unit",
            "location",
            "tags",
            "review_interval_days",
            "next_review_date",
            "depends_on",
            "aws_services",
            "person",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "next_review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "value_usd": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }

    def __init__(self, *args, user, can_reassign=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        if not user.has_perm("people.view_person"):
            # The people register is not the asset owner's to read.
            del self.fields["person"]
        if not can_reassign:
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = ownership.REFUSED
        if self.instance.pk:
            # Only the dependencies the user may see are shown (and replaced on save).
            shown = visible_assets(user, self.instance.depends_on.order_by("ref"))
            self.initial["depends_on"] = ", ".join(shown.values_list("ref", flat=True))
            self.initial.setdefault("tags", ", ".join(self.instance.tags or []))
        self.fields[
            "next_review_date"
        ].help_text = "Empty: one review interval from today. Overdue reviews are flagged."
        # assets.js shows only the categories of the chosen class.
        self.fields["category"].widget.attrs["data-categories-by-class"] = json.dumps(
            {cls: categories_of(cls) for cls in AssetClass.values}
        )
        validate_url = (
            reverse("assets:asset_validate_edit", args=[self.instance.pk])
            if self.instance.pk
            else reverse("assets:asset_validate")
        )
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple | Picker):
                continue
            field.widget.attrs.update(
                {
                    "hx-post": validate_url,
                    "hx-trigger": "change",
                    "hx-target": f"#id_{name}_group",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-vals": f'{{"_field": "{name}"}}',
                }
            )

    def clean_ref(self):
        return self.cleaned_data["ref"].strip()

    def clean_tags(self):
        return [t.strip().lower() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean_depends_on(self):
        refs = _refs(self.cleaned_data["depends_on"])
        assets, unknown = assets_by_ref(self.user, refs)
        if unknown:
            raise forms.ValidationError(f"No asset has the reference {', '.join(unknown)}.")
        chosen = [assets[r] for r in dict.fromkeys(refs)]
        problem = dependency_problem(self.user, self.instance, chosen)
        if problem:
            raise forms.ValidationError(problem)
        return [*chosen, *hidden_dependencies(self.user, self.instance)]

    def service_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data.pop("depends_on")
        data.pop("aws_services")
        if self.fields["owner"].disabled:
            data.pop("owner")
        return data


class DependencyAddForm(forms.Form):
    """Add one dependency by ref, among the assets the user may see."""

    ref = forms.CharField(label=_("Reference of the asset it depends on"), max_length=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_ref(self):
        ref = self.cleaned_data["ref"].strip()
        assets, unknown = assets_by_ref(self.user, [ref], iexact=True)
        if unknown:
            raise forms.ValidationError(f"No asset has the reference {ref}.")
        return assets[ref]


class BulkEditForm(forms.Form):
    """Owner and/or review interval for the selected assets; empty fields stay as they are."""

    pk = forms.ModelMultipleChoiceField(
        queryset=Asset.objects.all(), widget=forms.MultipleHiddenInput
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, label=_("New owner")
    )
    review_interval_days = forms.IntegerField(
        min_value=1, required=False, label=_("New review interval (days)")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self, user, pk=visible_assets)

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not data.get("review_interval_days"):
            raise forms.ValidationError("Choose a new owner or a review interval.")
        return data

    def changes(self) -> dict:
        return {
            k: v
            for k in ("owner", "review_interval_days")
            if (v := self.cleaned_data.get(k)) not in (None, "")
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("At most 10 MB. The first row names the columns; see the list below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 10 MB.")
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        return upload
