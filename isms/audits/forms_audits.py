"""Forms of the internal audit pages: input validation only; the services hold the rules."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isms.audits.models import Audit, AuditConclusion, AuditProgramme
from isms.models import Control, User
from isms.widgets import Picker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    """The audit programme of a year (9.2.2)."""

    class Meta:
        model = AuditProgramme
        fields = [
            "year", "title", "objectives", "criteria", "scope", "frequency", "methods",
            "responsibilities", "process_importance", "previous_results", "owner", "next_review",
        ]  # fmt: skip
        widgets = {"next_review": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)

    def _post_clean(self):  # the service validates the model
        pass


class AuditForm(forms.ModelForm):
    """An audit's plan: title, scope, dates, criteria, auditors and auditees."""

    criteria = forms.ModelMultipleChoiceField(
        queryset=Control.objects.none(), widget=Picker, label=_("Criteria (clauses and controls)")
    )
    auditors = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True), widget=Picker, label=_("Auditors")
    )
    auditees = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True),
        widget=Picker,
        required=False,
        label=_("Auditees"),
    )

    class Meta:
        model = Audit
        fields = ["title", "scope", "planned_start", "planned_end"]
        widgets = {"planned_start": DATE, "planned_end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from isms.audits.services.audits import CLAUSES_CODE

        self.fields["criteria"].queryset = (
            Control.objects.filter(withdrawn=False)
            .filter(Q(framework__code=CLAUSES_CODE) | Q(framework__soa_basis=True))
            .select_related("framework")
            .order_by("framework__code", "sort_order")
        )

    def _post_clean(self):
        pass


class ConcludeForm(forms.Form):
    """An auditor's conclusion on one checklist item."""

    conclusion = forms.ChoiceField(choices=AuditConclusion.choices, label=_("Conclusion"))
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               label=_("Findings"))  # fmt: skip


class EvidenceForm(forms.Form):
    """A link or a file for a checklist item."""

    title = forms.CharField(max_length=200, label=_("Title"))
    url = forms.URLField(required=False, max_length=500, label=_("Link"), assume_scheme="https")
    file = forms.FileField(required=False, label=_("File"))


class CompleteForm(forms.Form):
    """The auditor's summary, given when the audit completes."""

    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=_("Summary"))


class ReportForm(forms.Form):
    """The overall conclusion of a new report version."""

    conclusion = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=_("Overall conclusion")
    )
