"""Forms of the security checks: validation only."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MuteForm(forms.Form):
    """Why a finding may be ignored, and until when (both required)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the accepted risk, or the compensating control."),
    )
    until = forms.DateField(
        label=_("Muted until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The finding reopens after this date if it still fails."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("until", timezone.localdate() + datetime.timedelta(days=90))


class ScopeTriageForm(forms.Form):
    """In or out of the ISMS's scope, for a finding outside the approved accounts or
    regions, and why."""

    decision = forms.ChoiceField(
        choices=[
            ("in_scope", "In scope: treat it like any other finding"),
            ("out_of_scope", "Out of scope: not the ISMS's concern"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. a test region to be extended in the next scope version."),
    )
