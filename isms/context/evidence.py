"""Automated evidence for two Annex A controls of ISO/IEC 27001:2022, from the registers
of the context and people apps (a provider of `isms.frameworks.evidence`):

- 5.31 (legal, statutory, regulatory and contractual requirements): the legal,
  regulatory and contractual requirements of the interested parties, addressed or not;
- 6.3 (awareness, education and training): the awareness campaigns' acknowledgements
  (one per person of each campaign's audience) and the evidence of competence, valid
  or expired.

One query per call, whatever the number of controls asked about: the lookup of which
of them are these two carries every count as a subquery (the SoA pages call the
providers with every control, and have a fixed query budget).
"""

from django.db.models import Count, IntegerField, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from isms.context.choices import RequirementKind
from isms.frameworks.evidence import CheckEvidence

FRAMEWORK = "iso27001-2022"
REQUIREMENTS, AWARENESS = "5.31", "6.3"
LEGAL_KINDS = (RequirementKind.LEGAL, RequirementKind.REGULATORY, RequirementKind.CONTRACTUAL)


def _count(queryset):
    """A scalar subquery counting `queryset`'s rows (0 when none)."""
    counted = (
        queryset.order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _audience_pairs(*, acknowledged: bool) -> RawSQL:
    """(campaign, person) pairs of every campaign's audience (active people with an
    account; the holders of its role when it names one), or only those who acknowledged
    the campaign policy's published version."""
    from isms.models import Policy, PolicyAcknowledgement
    from isms.people.models import AwarenessCampaign, Person

    roles = Person.roles.through._meta
    sql = (
        f"SELECT COUNT(*) FROM {AwarenessCampaign._meta.db_table} c "  # noqa: S608 - model tables
        f"JOIN {Policy._meta.db_table} p ON p.id = c.policy_id "
        f"JOIN {Person._meta.db_table} pe ON pe.active AND pe.user_id IS NOT NULL "
        f"WHERE (c.audience_role_id IS NULL OR EXISTS (SELECT 1 FROM {roles.db_table} r "
        f"WHERE r.person_id = pe.id AND r.ismsrole_id = c.audience_role_id))"
    )
    if acknowledged:
        sql += (
            f" AND EXISTS (SELECT 1 FROM {PolicyAcknowledgement._meta.db_table} a "  # noqa: S608
            f"WHERE a.version_id = p.published_version_id AND a.user_id = pe.user_id)"
        )
    return RawSQL(f"({sql})", (), output_field=IntegerField())  # noqa: S611 - no user input


def context_evidence(control_ids: list[int], viewer=None) -> dict[int, list[CheckEvidence]]:
    """The provider: {control id: [CheckEvidence]} for Annex A 5.31 and 6.3 among
    `control_ids`, as far as `viewer` may read the registers (None: the SoA)."""
    from isms.context.models import Requirement
    from isms.models import Control
    from isms.people.models import AwarenessCampaign, CompetenceRecord

    if not control_ids:
        return {}
    show_requirements = viewer is None or viewer.has_perm("context.view_requirement")
    show_awareness = viewer is None or viewer.has_perm("people.view_awarenesscampaign")
    wanted = [i for i, shown in ((REQUIREMENTS, show_requirements), (AWARENESS, show_awareness))
              if shown]  # fmt: skip
    if not wanted:
        return {}
    today = timezone.localdate()
    legal = Requirement.objects.filter(kind__in=LEGAL_KINDS)
    records = CompetenceRecord.objects.all()
    rows = Control.objects.filter(
        pk__in=control_ids, framework__code=FRAMEWORK, identifier__in=wanted
    ).annotate(
        req_addressed=_count(legal.filter(addressed=True)),
        req_open=_count(legal.filter(addressed=False)),
        rec_valid=_count(records.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))),
        rec_expired=_count(records.filter(expires_on__lt=today)),
        campaigns=_count(AwarenessCampaign.objects.all()),
        pairs=_audience_pairs(acknowledged=False),
        pairs_done=_audience_pairs(acknowledged=True),
    )
    result = {}
    for control in rows:
        evidence = []
        if control.identifier == REQUIREMENTS:
            if control.req_addressed or control.req_open:
                evidence.append(
                    CheckEvidence(
                        check="requirements-register",
                        passed=control.req_addressed,
                        failed=control.req_open,
                        url=reverse("context:requirement_list"),
                    )
                )
        else:
            if control.campaigns:
                evidence.append(
                    CheckEvidence(
                        check="awareness-acknowledgements",
                        passed=control.pairs_done,
                        failed=control.pairs - control.pairs_done,
                        url=reverse("people:campaign_list"),
                    )
                )
            if control.rec_valid or control.rec_expired:
                evidence.append(
                    CheckEvidence(
                        check="competence-evidence",
                        passed=control.rec_valid,
                        failed=control.rec_expired,
                        url=reverse("people:competence_record_list"),
                    )
                )
        if evidence:
            result[control.pk] = evidence
    return result
