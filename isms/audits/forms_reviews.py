"""Forms of the management-review pages: validation only; the services hold the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from isms.audits.models.reviews import ManagementReview, ReviewDecision
from isms.widgets import Picker


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class ManagementReviewForm(forms.ModelForm):
    """The meeting: title, date, attendees (users and guests), minutes."""

    attendees = forms.ModelMultipleChoiceField(
        queryset=_people(), required=False, label=_("Attendees")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ManagementReview
        fields = ["title", "held_on", "attendees", "guests", "minutes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "guests": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _people()
        self.fields["attendees"].widget = Picker(choices=self.fields["attendees"].choices)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version


class ReviewDecisionForm(forms.ModelForm):
    """One decision of the review: kind, wording, owner, due date."""

    class Meta:
        model = ReviewDecision
        fields = ["kind", "description", "owner", "due_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class DecisionTrackForm(forms.ModelForm):
    """The follow-up of an action: status, done date, note."""

    class Meta:
        model = ReviewDecision
        fields = ["status", "done_on", "status_note"]
        widgets = {
            "done_on": forms.DateInput(attrs={"type": "date"}),
            "status_note": forms.Textarea(attrs={"rows": 2}),
        }


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the approvers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
