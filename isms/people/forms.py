"""Forms of the people pages: field validation only; the shared `record_save` (isms.context
.services) validates the whole record and audits it."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from isms.context.forms import DATE, ServiceForm
from isms.models import Policy
from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person
from isms.widgets import Picker


class PersonForm(ServiceForm):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        label=_("User account"),
    )
    roles = forms.ModelMultipleChoiceField(
        queryset=IsmsRole.objects.order_by("name"),
        required=False,
        widget=Picker,
        label=_("ISMS roles"),
    )

    class Meta:
        model = Person
        fields = ["name", "email", "job_title", "user", "roles", "active"]


class IsmsRoleForm(ServiceForm):
    required_competences = forms.ModelMultipleChoiceField(
        queryset=Competence.objects.order_by("name"),
        required=False,
        widget=Picker,
        label=_("Required competences"),
    )

    class Meta:
        model = IsmsRole
        fields = ["name", "responsibilities", "required_competences"]


class CompetenceForm(ServiceForm):
    class Meta:
        model = Competence
        fields = ["name", "description"]


class CompetenceRecordForm(ServiceForm):
    evidence_url = forms.URLField(
        required=False, assume_scheme="https", label=_("Evidence link"), max_length=200
    )

    class Meta:
        model = CompetenceRecord
        fields = [
            "person", "competence", "kind", "title", "obtained_on", "expires_on", "evidence_url",
        ]  # fmt: skip
        widgets = {"obtained_on": DATE, "expires_on": DATE}


class AwarenessCampaignForm(ServiceForm):
    policy = forms.ModelChoiceField(queryset=Policy.objects.order_by("title"), label=_("Policy"))

    class Meta:
        model = AwarenessCampaign
        fields = ["title", "policy", "audience_role", "due_date"]
        widgets = {"due_date": DATE}
