"""Pages of people: the people, ISMS roles, competences, evidence of competence with
expiry and the gaps, awareness campaigns with their completion, all exportable; and
their create and edit forms (security managers; `isms.context.editing`)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.context.editing import Editor
from isms.context.views import RegisterView
from isms.filters import BaseFilterSet
from isms.people import forms, links, selectors
from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person

PERSON = Editor(Person, forms.PersonForm, _("person"), "people:person_list")
ROLE = Editor(IsmsRole, forms.IsmsRoleForm, _("ISMS role"), "people:role_list")
COMPETENCE = Editor(Competence, forms.CompetenceForm, _("competence"), "people:role_list")
RECORD = Editor(
    CompetenceRecord,
    forms.CompetenceRecordForm,
    _("competence record"),
    "people:competence_record_list",
)
CAMPAIGN = Editor(AwarenessCampaign, forms.AwarenessCampaignForm, _("awareness campaign"),
                  "people:campaign_list")  # fmt: skip


class PersonList(RegisterView):
    """The people under the organisation's control, their roles and accounts."""

    queryset = Person.objects.select_related("user").prefetch_related("roles").order_by("name")
    permission_required = "people.view_person"
    heading, pretitle, filename = _("People"), _("Support (7.2)"), "people"
    header = (_("Name"), _("E-mail"), _("Job title"), _("ISMS roles"), _("User account"),
              _("Personnel asset"), _("Active"))  # fmt: skip
    actions = ((_("New person"), "people:person_add", Person),)
    edit = ("people:person_edit", Person)

    def get_extra_context(self, request, filterset, page) -> dict:
        self._links = links.linked(p.pk for p in page)
        return super().get_extra_context(request, filterset, page)

    def export_rows(self, queryset):
        people = list(queryset)
        self._links = links.linked(p.pk for p in people)
        return (self.cells(p) for p in people)

    def cells(self, p) -> list:
        assets = ", ".join(getattr(self, "_links", {}).get(p.pk, ()))
        return [p.name, p.email, p.job_title, ", ".join(r.name for r in p.roles.all()),
                p.user.username if p.user else "", assets,
                _("yes") if p.active else _("no")]  # fmt: skip


class RoleList(RegisterView):
    """ISMS roles and the competences each requires; the competences are edited here."""

    queryset = IsmsRole.objects.prefetch_related("required_competences").order_by("name")
    permission_required = "people.view_ismsrole"
    template_name = "people/role_list.html"
    heading, pretitle, filename = _("ISMS roles"), _("Support (7.2)"), "isms-roles"
    header = (_("Role"), _("Responsibilities"), _("Required competences"))
    actions = (
        (_("New role"), "people:role_add", IsmsRole),
        (_("New competence"), "people:competence_add", Competence),
    )
    edit = ("people:role_edit", IsmsRole)

    def get_extra_context(self, request, filterset, page) -> dict:
        from django.urls import reverse

        from isms.context.editing import can

        context = super().get_extra_context(request, filterset, page)
        editable = can(request.user, Competence, "change")
        context["competences"] = [
            (c, reverse("people:competence_edit", args=[c.pk]) if editable else "")
            for c in Competence.objects.order_by("name")
        ]
        return context

    @classmethod
    def cells(cls, r) -> list:
        return [r.name, r.responsibilities, ", ".join(c.name for c in r.required_competences.all())]


class CampaignList(RegisterView):
    """Awareness campaigns (7.3) and how many of their audience acknowledged the policy."""

    queryset = AwarenessCampaign.objects.select_related("policy", "audience_role")
    permission_required = "people.view_awarenesscampaign"
    heading, pretitle, filename = _("Awareness campaigns"), _("Support (7.3)"), "campaigns"
    header = (_("Campaign"), _("Policy"), _("Audience"), _("Due"), _("Acknowledged"))
    actions = ((_("New campaign"), "people:campaign_add", AwarenessCampaign),)
    edit = ("people:campaign_edit", AwarenessCampaign)

    def get_extra_context(self, request, filterset, page) -> dict:
        self._completion = selectors.campaigns_completion(list(page))
        return super().get_extra_context(request, filterset, page)

    def export_rows(self, queryset):
        campaigns = list(queryset)
        self._completion = selectors.campaigns_completion(campaigns)
        return (self.cells(c) for c in campaigns)

    def cells(self, c) -> list:
        done = getattr(self, "_completion", {}).get(c.pk)
        rate = f"{done['acknowledged']} / {done['audience']}" if done else ""
        return [c.title, str(c.policy), str(c.audience_role or _("Everyone")), c.due_date, rate]


class CompetenceRecordFilterSet(BaseFilterSet):
    class Meta:
        model = CompetenceRecord
        fields = ["person", "competence", "kind"]


class CompetenceRecordList(RegisterView):
    """Evidence of competence (7.2, A.6.3), with the gaps per person and role above."""

    queryset = CompetenceRecord.objects.select_related("person", "competence").order_by(
        "person__name", "-obtained_on"
    )
    filterset_class = CompetenceRecordFilterSet
    permission_required = "people.view_competencerecord"
    heading, pretitle, filename = _("Competence"), _("Support (7.2)"), "competence-records"
    actions = ((_("New competence record"), "people:competence_record_add", CompetenceRecord),)
    edit = ("people:competence_record_edit", CompetenceRecord)
    header = (_("Person"), _("Competence"), _("Kind"), _("Title"), _("Obtained"),
              _("Expires"), _("State"))  # fmt: skip

    def get_extra_context(self, request, filterset, page) -> dict:
        context = super().get_extra_context(request, filterset, page)
        gaps = selectors.competence_gaps()
        if gaps:
            context["intro"] = _("Gaps: %s.") % "; ".join(
                f"{g['person']} ({g['role']}): {g['competence']}" for g in gaps
            )
        return context

    @classmethod
    def cells(cls, r) -> list:
        today = timezone.localdate()
        if r.expires_on is None:
            state = _("Valid")
        elif r.expires_on < today:
            state = _("Expired")
        elif r.expires_on <= today + datetime.timedelta(days=30):
            state = _("Expires soon")
        else:
            state = _("Valid")
        return [r.person.name, r.competence.name, r.get_kind_display(), r.title,
                r.obtained_on, r.expires_on, state]  # fmt: skip


competence_record_list = CompetenceRecordList.as_view()
person_list = PersonList.as_view()
role_list = RoleList.as_view()
campaign_list = CampaignList.as_view()
