"""The "risk" follow-up of supplier assessment findings (registered in
`RisksConfig.ready()` into `assets.suppliers.hooks.follow_ups`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assets.suppliers.hooks import FollowUp


def raise_risk(*, finding, user):
    """A risk on the supplier's asset, described by the assessment finding."""
    from risks.services import risk_create

    assessment = finding.assessment
    return risk_create(
        user=user,
        data={
            "title": finding.title,
            "description": f"{finding.description}\n\n"
            + _("Raised from supplier assessment %s.") % assessment.ref,
            "assets": [assessment.supplier.asset],
            "owner": assessment.supplier.asset.owner or user,
        },
    )


RISK = FollowUp("risk", gettext_lazy("Risk"), permission="risks.add_risk", raise_=raise_risk)
