"""The "nonconformity" follow-up of an incident's lessons learned (registered in
`IncidentsConfig.ready()` into `risks.incidents.hooks.follow_ups`).

The requirement not met is the free reference given in `data["requirement_ref"]`, else
the first ISO/IEC 27001 control evidenced by the incident's findings, else the
organisation's information security policy (its own requirement, 10.2): the security
manager refines it when analysing the root cause. Raised once per incident."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isms.audits.models import NcSeverity, Origin
from isms.audits.services.nonconformities import raise_nonconformity
from isms.models import Control
from risks.incidents.choices import REVIEW_REQUIRED_FROM
from risks.incidents.hooks import FollowUp


def _requirement(incident):
    identifiers = []
    for finding in incident.findings.all():
        check = finding.definition
        identifiers.extend(check.iso27001 if check is not None else ())
    if not identifiers:
        return None
    known = {
        c.identifier: c
        for c in Control.objects.filter(framework__code="iso27001-2022", identifier__in=identifiers)
    }
    return next((known[i] for i in identifiers if i in known), None)


def raise_nc(*, incident, user, data: dict):
    """A nonconformity raised from the incident: major when the incident was severe."""
    requirement_ref = (data.get("requirement_ref") or "").strip()
    requirement = None if requirement_ref else _requirement(incident)
    if requirement is None and not requirement_ref:
        requirement_ref = _("Information security policy (incident %s)") % incident.ref
    description = (data.get("description") or "").strip() or incident.lessons_learned
    return raise_nonconformity(
        title=data["title"].strip(),
        description=f"{description}\n\n" + _("Raised from incident %s.") % incident.ref,
        severity=NcSeverity.MAJOR
        if incident.severity >= REVIEW_REQUIRED_FROM
        else NcSeverity.MINOR,
        raised_by=user,
        source=incident,
        requirement=requirement,
        requirement_ref=requirement_ref,
        origin=Origin.INCIDENT,
    )


NONCONFORMITY = FollowUp(
    "nonconformity",
    gettext_lazy("Nonconformity"),
    permission="audits.add_nonconformity",
    raise_=raise_nc,
)
