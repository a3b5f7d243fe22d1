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
    from django.urls import reverse
    from django.utils.translation import gettext as _

    gaps = len(competence_gaps())
    expiring = expiring_records().count()
    if not gaps and not expiring:
        return []
    return [
        {
            "label": _("Competence gaps"),
            "value": gaps,
            "url": reverse("people:person_list"),
            "help": _("Competences a role requires and its holder has no valid evidence of."),
        },
        {
            "label": _("Certifications expiring"),
            "value": expiring,
            "url": reverse("people:competence_record_list"),
            "help": _("Evidence of competence that expires within 30 days or has expired."),
        },
    ]


def campaigns_completion(campaigns) -> dict[int, dict]:
    """`campaign_completion` of many campaigns (their `policy` selected) in two queries,
    whatever their number: {campaign id: {"audience", "acknowledged", "rate"}}."""
    campaigns = list(campaigns)
    if not campaigns:
        return {}
    everyone, by_role = set(), {}
    rows = Person.objects.filter(active=True, user__isnull=False).values_list("user_id", "roles")
    for user_id, role_id in rows:
        everyone.add(user_id)
        if role_id is not None:
            by_role.setdefault(role_id, set()).add(user_id)
    versions = {c.policy.published_version_id for c in campaigns} - {None}
    acknowledged = {}
    if versions and everyone:
        for version_id, user_id in PolicyAcknowledgement.objects.filter(
            version_id__in=versions, user_id__in=everyone
        ).values_list("version_id", "user_id"):
            acknowledged.setdefault(version_id, set()).add(user_id)
    out = {}
    for campaign in campaigns:
        audience = (
            by_role.get(campaign.audience_role_id, set()) if campaign.audience_role_id else everyone
        )
        done = len(audience & acknowledged.get(campaign.policy.published_version_id, set()))
        total = len(audience)
        out[campaign.pk] = {
            "audience": total,
            "acknowledged": done,
            "rate": round(100 * done / total, 1) if total else None,
        }
    return out
