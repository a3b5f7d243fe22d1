"""Forms of the supplier register: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from assets.suppliers import selectors
from assets.suppliers.choices import Conclusion
from assets.suppliers.models import Certification, Contract, Questionnaire, Supplier


class SupplierForm(forms.ModelForm):
    """A new supplier: on an existing partner-organisation asset that is not a supplier
    yet (`asset`), or on a new partner-organisation asset named `name`; one of the two."""

    asset = forms.ModelChoiceField(
        label=_("Existing partner organisation"),
        queryset=Asset.objects.none(),
        required=False,
        empty_label=_("— none: create a new one —"),
        help_text=_("A partner-organisation asset of the inventory that is not a supplier yet."),
    )
    name = forms.CharField(
        label=_("Or the name of a new partner organisation"), max_length=200, required=False
    )

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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "asset" in self.fields:
            self.fields["asset"].queryset = selectors.supplier_candidates(user)

    def clean(self):
        cleaned = super().clean()
        if "asset" not in self.fields:
            return cleaned
        asset, name = cleaned.get("asset"), (cleaned.get("name") or "").strip()
        if asset is not None and name:
            self.add_error(
                "name",
                _("Choose an existing partner organisation or name a new one, not both."),
            )
        elif asset is None and not name and "asset" not in self.errors:
            self.add_error("name", _("Choose an existing partner organisation or name a new one."))
        return cleaned


class SupplierEditForm(SupplierForm):
    """The supplier's own fields (its name is its asset's, edited on the asset)."""

    asset = None
    name = None


# A browser's date field reads and sends ISO dates, whatever the page's language.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
            "start_date": DATE,
            "end_date": DATE,
        }


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["kind", "title", "issued_on", "expires_on", "reference"]
        widgets = {
            "issued_on": DATE,
            "expires_on": DATE,
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
