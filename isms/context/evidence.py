"""The context and people registers as SoA evidence for two Annex A controls of
ISO/IEC 27001:2022: figures registered with `isms.frameworks.evidence` (counted together
with the other registers' figures, in one query):

- 5.31 (legal, statutory, regulatory and contractual requirements): the legal,
  regulatory and contractual requirements of the interested parties, addressed or not;
- 6.3 (awareness, education and training): the people of the campaigns' audiences who
  acknowledged every campaign's policy, and those with one still to acknowledge; the
  evidence of competence, valid or expired.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.context.choices import RequirementKind
from isms.frameworks.evidence import RecordFigure

LEGAL_KINDS = (RequirementKind.LEGAL, RequirementKind.REGULATORY, RequirementKind.CONTRACTUAL)


def _legal(addressed: bool):
    from isms.context.models import Requirement

    return Requirement.objects.filter(kind__in=LEGAL_KINDS, addressed=addressed)


def _campaigns_of_person():
    """The awareness campaigns whose audience includes the outer person (every active
    person with an account, or the holders of the campaign's role)."""
    from isms.people.models import AwarenessCampaign

    return AwarenessCampaign.objects.filter(
        Q(audience_role__isnull=True) | Q(audience_role__people=OuterRef("pk"))
    )


def _audience(*, all_acknowledged: bool):
    """The people of some campaign's audience who acknowledged the published version of
    every campaign policy addressed to them, or (False) who have one still to do."""
    from isms.models import PolicyAcknowledgement
    from isms.people.models import Person

    acknowledged = PolicyAcknowledgement.objects.filter(
        version_id=OuterRef("policy__published_version_id"), user_id=OuterRef(OuterRef("user_id"))
    )
    pending = Exists(_campaigns_of_person().exclude(Exists(acknowledged)))
    people = Person.objects.filter(active=True, user__isnull=False).filter(
        Exists(_campaigns_of_person())
    )
    return people.exclude(pending) if all_acknowledged else people.filter(pending)


def _records(valid: bool):
    from isms.people.models import CompetenceRecord

    today = timezone.localdate()
    if valid:
        return CompetenceRecord.objects.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )
    return CompetenceRecord.objects.filter(expires_on__lt=today)


FIGURES = (
    RecordFigure(
        "5.31",
        _("Legal, regulatory and contractual requirements addressed"),
        passed=lambda: _legal(True),
        failed=lambda: _legal(False),
        url="context:requirement_list",
        permission="context.view_requirement",
    ),
    RecordFigure(
        "6.3",
        _("People who acknowledged every awareness campaign addressed to them"),
        passed=lambda: _audience(all_acknowledged=True),
        failed=lambda: _audience(all_acknowledged=False),
        url="people:campaign_list",
        permission="people.view_awarenesscampaign",
    ),
    RecordFigure(
        "6.3",
        _("Evidence of competence still valid"),
        passed=lambda: _records(True),
        failed=lambda: _records(False),
        url="people:competence_record_list",
        permission="people.view_competencerecord",
    ),
)
