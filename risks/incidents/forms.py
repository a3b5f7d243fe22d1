"""Forms of the incident pages: validation only; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assets.models import Asset, AwsResource, Finding
from assets.permissions import visible_assets, visible_findings, visible_resources
from isms.models import User
from isms.relations import limit_choices
from risks.incidents.choices import EntryKind, IncidentStatus
from risks.incidents.models import Incident, IncidentNotification
from risks.models import Risk
from risks.selectors import visible_risks

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentReportForm(forms.ModelForm):
    """What anyone signed in tells when reporting an event."""

    assets = forms.ModelMultipleChoiceField(
        queryset=Asset.objects.order_by("ref"), required=False, label=_("Assets concerned")
    )

    class Meta:
        model = Incident
        fields = ["title", "description", "occurred_at", "detected_at", "assets"]
        widgets = {"occurred_at": DATETIME, "detected_at": DATETIME}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self, user, assets=visible_assets)
        self.fields["detected_at"].required = False  # default: now
        self.fields["detected_at"].help_text = _("When you noticed it (default: now).")

    def _post_clean(self):  # the service validates the model
        pass


class IncidentHandlingForm(IncidentReportForm):
    """Triage and handling, for the security manager."""

    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in IncidentStatus if s != IncidentStatus.CLOSED]
    )
    handler = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, label=_("Handler")
    )
    findings = forms.ModelMultipleChoiceField(queryset=Finding.objects.all(), required=False)
    aws_resources = forms.ModelMultipleChoiceField(
        queryset=AwsResource.objects.filter(gone_since=None), required=False
    )
    risks = forms.ModelMultipleChoiceField(queryset=Risk.objects.all(), required=False)

    class Meta(IncidentReportForm.Meta):
        fields = [
            "title",
            "description",
            "kind",
            "status",
            "category",
            "severity",
            "handler",
            "occurred_at",
            "detected_at",
            "personal_data_breach",
            "assets",
            "findings",
            "aws_resources",
            "risks",
            "containment",
            "eradication",
            "recovery",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        limit_choices(
            self,
            user,
            findings=visible_findings,
            aws_resources=visible_resources,
            risks=visible_risks,
        )
        for name in ("description", "containment", "eradication", "recovery"):
            self.fields[name].widget.attrs["rows"] = 3


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(EntryKind.NOTE, EntryKind.NOTE.label), (EntryKind.ACTION, EntryKind.ACTION.label)]
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Entry"))
    at = forms.DateTimeField(required=False, widget=DATETIME, label=_("When (default: now)"))


class EvidenceForm(forms.Form):
    file = forms.FileField()
    description = forms.CharField(max_length=300, required=False)


class NotificationForm(forms.ModelForm):
    class Meta:
        model = IncidentNotification
        fields = ["recipient", "obligation", "due_at"]
        widgets = {"due_at": DATETIME}


class NotificationSentForm(forms.Form):
    reference = forms.CharField(max_length=200, required=False)


class CloseForm(forms.Form):
    root_cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lessons_learned = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class FollowUpForm(forms.Form):
    """What to raise from the lessons learned: the registered follow-ups `user` may
    raise (all of them without a user)."""

    kind = forms.ChoiceField(choices=())
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        from risks.incidents.hooks import follow_ups

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (f.name, f.label) for f in follow_ups if user is None or user.has_perm(f.permission)
        ]
