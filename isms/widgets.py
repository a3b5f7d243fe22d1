"""Form widgets shared by every app.

`Picker` is the one multi-select of the product (issue 20.3): a searchable list with
chips (Tom Select, vendored in static/vendor/tom-select/, started by static/isms/app.js
on every `select[data-picker]`). Use it for every many-to-many choice:

    controls = forms.ModelMultipleChoiceField(queryset=..., widget=Picker)
    depends_on = forms.CharField(widget=Picker(search_url="/api/assets/?limit=20&q=",
                                               value_field="ref", as_text=True))

Small lists (a few hundred choices) are rendered in the page and searched there. Large
ones give `search_url`: only the chosen values are rendered, and typing asks the URL (an
API list answering `{"results": [...]}`) for matches; `value_field` and `label_fields`
name the keys of each result. `as_text=True` keeps a field that takes comma-separated
references ("A-004, A-007") working unchanged: the chosen values are joined with ", ".
Without JavaScript it is a plain multiple select.
"""

import re

from django import forms
from django.utils.translation import gettext as _


class Picker(forms.SelectMultiple):
    """A searchable multi-select with chips (see the module docstring)."""

    def __init__(
        self,
        attrs=None,
        choices=(),
        *,
        search_url: str = "",
        value_field: str = "id",
        label_fields: tuple[str, ...] = ("ref", "name"),
        as_text: bool = False,
    ):
        super().__init__(attrs, choices)
        self.search_url = search_url
        self.value_field = value_field
        self.label_fields = label_fields
        self.as_text = as_text

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-picker"] = ""
        attrs["data-picker-none"] = _("No match")
        if self.search_url:
            attrs["data-picker-url"] = self.search_url
            attrs["data-picker-value"] = self.value_field
            attrs["data-picker-labels"] = " ".join(self.label_fields)
        attrs.pop("size", None)
        return attrs

    def format_value(self, value):
        if self.as_text and isinstance(value, str):
            value = [part for part in re.split(r"[\s,;]+", value) if part]
        return super().format_value(value)

    def optgroups(self, name, value, attrs=None):
        if self.as_text:
            # The chosen references are the options (the labels come from the search).
            return [
                (None, [self.create_option(name, v, v, True, i)], i) for i, v in enumerate(value)
            ]
        queryset = getattr(self.choices, "queryset", None)
        if self.search_url and queryset is not None:
            # Only what is chosen is rendered (never the whole table); the rest comes
            # from the search URL.
            key = self.choices.field.to_field_name or "pk"
            chosen = queryset.filter(**{f"{key}__in": [v for v in value if v]})
            return [
                (None, [self.create_option(name, *self.choices.choice(obj), True, i)], i)
                for i, obj in enumerate(chosen)
            ]
        return super().optgroups(name, value, attrs)

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        if self.as_text:
            if isinstance(values, str):  # a plain dict (imports) holds the text itself
                return values
            return ", ".join(v for v in values or () if v)
        return values
