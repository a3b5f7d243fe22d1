"""Forms of the supplier register: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assets.suppliers.choices import Conclusion
from assets.suppliers.models import Certification, Contract, Questionnaire, Supplier


class SupplierForm(forms.ModelForm):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)

    class Meta:
        model = Supplier
        fields = [
            "services_provided",
            "data_shared",
            "data_classification",
            "criticality_override",
            "criticality_reason",
            "contact_name",
            "contact_email",
            "review_interval_days",
        ]


class SupplierEditForm(SupplierForm):
    """The supplier's own fields (its name is its asset's, edited on the asset)."""

    name = None


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "title",
            "start_date",
            "end_date",
            "security_clauses",
            "right_to_audit",
            "exit_plan",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["kind", "title", "issued_on", "expires_on", "reference"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }


class AssessmentSendForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.all()
    )
    contact_email = forms.EmailField(label=_("Send to (e-mail)"))


class QuestionnaireForm(forms.Form):
    """A questionnaire template edited on the page: name, description and its sections
    and questions as an outline (`questionnaire_outline` / `outline_content`)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    outline = forms.CharField(
        label=_("Sections and questions"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        help_text=_(
            "One section per line starting with #, then its questions, one per line: "
            "id | type (yes_no, scale or text) | weight 0-10 | text, e.g. "
            "“ac-1 | yes_no | 3 | Is multi-factor authentication required for all staff?”."
        ),
    )


class QuestionnaireImportForm(forms.Form):
    file = forms.FileField(label=_("Questionnaire (JSON)"))


class ConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)


class AssessmentFindingForm(forms.Form):
    title = forms.CharField(label=_("Finding"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
