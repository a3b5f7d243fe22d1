"""Reads of competence and awareness: gaps per person and role, campaign completion."""

import datetime

from django.utils import timezone

from isms.models import PolicyAcknowledgement
from isms.people.models import AwarenessCampaign, CompetenceRecord, Person


def competence_gaps(*, day: datetime.date | None = None) -> list[dict]:
    """For each active person, each role they hold and each competence the role requires
    that they have no valid (unexpired) evidence of."""
    day = day or timezone.localdate()
    people = Person.objects.filter(active=True).prefetch_related(
        "roles__required_competences", "records"
    )
    gaps = []
    for person in people:
        valid = {
            r.competence_id for r in person.records.all() if not r.expires_on or r.expires_on >= day
        }
        for role in person.roles.all():
            for competence in role.required_competences.all():
                if competence.pk not in valid:
                    gaps.append({"person": person, "role": role, "competence": competence})
    return gaps


def expiring_records(*, within_days: int = 30, day: datetime.date | None = None):
    """Certifications that expire within `within_days` (or have expired)."""
    day = day or timezone.localdate()
    return CompetenceRecord.objects.filter(
        expires_on__isnull=False, expires_on__lte=day + datetime.timedelta(days=within_days)
    ).select_related("person__user", "competence")


def campaign_completion(campaign: AwarenessCampaign) -> dict:
    """How many people of the campaign's audience with a user account acknowledged the
    policy's published version."""
    audience = Person.objects.filter(active=True, user__isnull=False)
    if campaign.audience_role_id:
        audience = audience.filter(roles=campaign.audience_role_id)
    user_ids = list(audience.values_list("user_id", flat=True))
    version_id = campaign.policy.published_version_id
    done = (
        PolicyAcknowledgement.objects.filter(version_id=version_id, user_id__in=user_ids).count()
        if version_id
        else 0
    )
    total = len(user_ids)
    return {
        "audience": total,
        "acknowledged": done,
        "rate": round(100 * done / total, 1) if total else None,
    }


def people_figures(user) -> list[dict]:
    """Dashboard: competence gaps and evidence expiring within 30 days."""
    if not user.has_perm("people.view_person"):
        return []
    from django.utils.translation import gettext as _

    gaps = len(competence_gaps())
    expiring = expiring_records().count()
    if not gaps and not expiring:
        return []
    return [
        {
            "label": _("Competence gaps"),
            "value": gaps,
            "url": "/api/people/",
            "help": _("Competences a role requires and its holder has no valid evidence of."),
        },
        {
            "label": _("Certifications expiring"),
            "value": expiring,
            "url": "/api/competence-records/",
            "help": _("Evidence of competence that expires within 30 days or has expired."),
        },
    ]
