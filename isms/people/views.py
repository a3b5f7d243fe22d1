"""Pages of people: evidence of competence with expiry and the gaps, exportable."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.context.views import RegisterView
from isms.filters import BaseFilterSet
from isms.people import selectors
from isms.people.models import CompetenceRecord


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
